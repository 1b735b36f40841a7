// Signing in through a real OpenID Connect provider (oidc-provider on 127.0.0.1, PKCE required),
// driven like a browser over HTTP: provisioning, mapping, and every way the flow must refuse.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { TestBrowser, throughProvider } from '../fixtures/oidc-browser.ts';
import { providerAccounts, startTestProvider, type TestProvider } from '../fixtures/oidc-provider.ts';
import { answer, browserSignIn, callbackUrl, providerName, startServerWithProvider, startUrl } from '../fixtures/oidc.ts';
import { ConfigError } from '../../server/config.ts';
import { thrown } from '../fixtures/errors.ts';
import { buildUser, seconds } from '../fixtures/factories.ts';
import { failure, startTestServer, type TestServer } from '../fixtures/server.ts';

let provider: TestProvider;
let running: TestServer | undefined;

beforeAll(async () => {
  provider = await startTestProvider();
});

afterAll(async () => {
  await provider.close();
});

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startServerWithProvider>[1] = {}): Promise<TestServer> {
  running = await startServerWithProvider(provider, options);
  return running;
}

async function counts(t: TestServer) {
  const prisma = t.server.db.prisma;
  return { users: await prisma.user.count(), sessions: await prisma.session.count(), links: await prisma.externalIdentity.count() };
}

describe('first and later sign-ins', () => {
  test('the server tells clients the provider’s name; without a provider it says none and the route says so', async () => {
    const t = await start();
    expect((await t.client().api.system.info.query()).oidc).toEqual({ name: providerName });

    const plain = await startTestServer();
    try {
      expect((await plain.client().api.system.info.query()).oidc).toBeNull();
      const visit = await new TestBrowser().request(`${plain.server.url}/auth/oidc/start`);
      expect(visit.response.status).toBe(404);
      expect(visit.body).toContain('not set up on this Consilium server');
    } finally {
      await plain.close();
    }
  });

  test('a first sign-in provisions the account from the claims, with no memberships, and the ticket gives a working session', async () => {
    const t = await start();
    const landing = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    expect(landing.location?.pathname).toBe('/sign-in');
    expect(landing.ticket).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // No session exists until the ticket is redeemed.
    expect(await counts(t)).toMatchObject({ users: 1, sessions: 0, links: 1 });

    const client = t.client();
    const pair = await client.api.identity.oidc.redeemTicket.mutate({ ticket: landing.ticket as string });
    client.token = pair.accessToken;
    const me = await client.api.identity.me.query();
    expect(me).toMatchObject({ username: 'anna.schmidt', firstName: 'Anna', lastName: 'Schmidt', email: 'anna.schmidt@uniklinik.example', hcp: null, memberships: [] });
    const link = await t.server.db.prisma.externalIdentity.findFirstOrThrow({ select: { issuer: true, subject: true, userId: true } });
    expect(link).toEqual({ issuer: provider.issuer, subject: 'anna', userId: me.id });

    // The refresh token of that pair works like any other.
    const next = await client.api.identity.refresh.mutate({ refreshToken: pair.refreshToken });
    client.token = next.accessToken;
    expect((await client.api.identity.me.query()).id).toBe(me.id);
  });

  test('the account has no usable password: a password sign-in is refused like a wrong password', async () => {
    const t = await start();
    await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    const error = await failure(t.client().api.identity.signIn.mutate({ username: 'anna.schmidt', password: 'any password at all', code: '123456' }));
    expect(error.data?.appCode).toBe('invalid_credentials');
  });

  test('a later sign-in, in another browser, maps to the same user without provisioning again', async () => {
    const t = await start();
    const first = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    const firstPair = await t.client().api.identity.oidc.redeemTicket.mutate({ ticket: first.ticket as string });
    t.clock.advance(seconds(120));
    const second = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    const secondPair = await t.client().api.identity.oidc.redeemTicket.mutate({ ticket: second.ticket as string });

    expect((await t.client(secondPair.accessToken).api.identity.me.query()).id).toBe((await t.client(firstPair.accessToken).api.identity.me.query()).id);
    expect(await counts(t)).toMatchObject({ users: 1, sessions: 2, links: 1 });
    const link = await t.server.db.prisma.externalIdentity.findFirstOrThrow({ select: { createdAt: true, lastSignInAt: true } });
    expect(link.lastSignInAt.getTime() - link.createdAt.getTime()).toBe(seconds(120));
  });

  test('someone else with the same email name gets a username of their own', async () => {
    const t = await start();
    await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    const namesake = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.annaNamesake.login });
    const pair = await t.client().api.identity.oidc.redeemTicket.mutate({ ticket: namesake.ticket as string });
    expect((await t.client(pair.accessToken).api.identity.me.query()).username).toBe('anna.schmidt2');
  });

  test('a confidential client (with a secret) signs in too', async () => {
    const t = await start({ clientSecret: 'a-client-secret-of-at-least-32-characters' });
    const landing = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    expect(landing.ticket).toBeDefined();
  });

  test('PKCE is used: the authorization request carries an S256 challenge, and the provider refuses a request without one', async () => {
    const t = await start();
    const visit = await new TestBrowser().request(startUrl(t));
    expect(visit.response.status).toBe(303);
    const toProvider = TestBrowser.location(visit) as URL;
    expect(toProvider.origin).toBe(provider.issuer);
    expect(toProvider.searchParams.get('code_challenge_method')).toBe('S256');
    expect(toProvider.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(toProvider.searchParams.get('redirect_uri')).toBe(callbackUrl(t));

    const withoutPkce = new URL(toProvider);
    withoutPkce.searchParams.delete('code_challenge');
    withoutPkce.searchParams.delete('code_challenge_method');
    const refused = TestBrowser.location(await new TestBrowser().request(withoutPkce)) as URL;
    expect(refused.href.startsWith(callbackUrl(t))).toBe(true);
    expect(refused.searchParams.get('error')).toBe('invalid_request');
    expect(refused.searchParams.get('error_description')).toMatch(/PKCE/);
  });
});

describe('refusals, each creating no session', () => {
  test('a tampered state is refused with a page saying to start again', async () => {
    const t = await start();
    const browser = new TestBrowser();
    const callback = await throughProvider(browser, startUrl(t), callbackUrl(t), { login: providerAccounts.anna.login });
    callback.searchParams.set('state', `${callback.searchParams.get('state')?.slice(0, -2)}xx`);
    const landing = await answer(browser, callback);
    expect(landing.status).toBe(400);
    expect(landing.page).toContain('This sign-in has expired or was already used');
    expect(await counts(t)).toEqual({ users: 0, sessions: 0, links: 0 });
  });

  test('a replayed answer (same code and state) is refused', async () => {
    const t = await start();
    const browser = new TestBrowser();
    const callback = await throughProvider(browser, startUrl(t), callbackUrl(t), { login: providerAccounts.anna.login });
    expect((await answer(browser, callback)).ticket).toBeDefined();
    const replay = await answer(browser, callback);
    expect(replay.status).toBe(400);
    expect(replay.ticket).toBeUndefined();
    expect(replay.page).toContain('This sign-in has expired or was already used');
  });

  test('an answer that reaches another browser than the one that started is refused (login CSRF)', async () => {
    const t = await start();
    const callback = await throughProvider(new TestBrowser(), startUrl(t), callbackUrl(t), { login: providerAccounts.anna.login });
    const victim = await answer(new TestBrowser(), callback);
    expect(victim.error).toBe('sign_in_expired');
    expect(victim.ticket).toBeUndefined();
    expect(await counts(t)).toEqual({ users: 0, sessions: 0, links: 0 });
  });

  test('a ticket works once', async () => {
    const t = await start();
    const { ticket } = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    await t.client().api.identity.oidc.redeemTicket.mutate({ ticket: ticket as string });
    const reuse = await failure(t.client().api.identity.oidc.redeemTicket.mutate({ ticket: ticket as string }));
    expect(reuse.data?.appCode).toBe('sign_in_expired');
    expect(reuse.data?.httpStatus).toBe(401);
    expect(await counts(t)).toMatchObject({ sessions: 1 });
  });

  test('a ticket not redeemed within a minute has expired', async () => {
    const t = await start();
    const { ticket } = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    t.clock.advance(seconds(61));
    const late = await failure(t.client().api.identity.oidc.redeemTicket.mutate({ ticket: ticket as string }));
    expect(late.data?.appCode).toBe('sign_in_expired');
    expect(await counts(t)).toMatchObject({ sessions: 0 });
  });

  test('an unknown or malformed ticket is refused', async () => {
    const t = await start();
    expect((await failure(t.client().api.identity.oidc.redeemTicket.mutate({ ticket: 'A'.repeat(43) }))).data?.appCode).toBe('sign_in_expired');
    expect((await failure(t.client().api.identity.oidc.redeemTicket.mutate({ ticket: 'short' }))).data?.appCode).toBe('invalid_input');
  });

  test('a sign-in cancelled at the provider comes back as provider_failed', async () => {
    const t = await start();
    const landing = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login, cancel: true });
    expect(landing.location?.pathname).toBe('/sign-in');
    expect(landing.error).toBe('provider_failed');
    expect(await counts(t)).toEqual({ users: 0, sessions: 0, links: 0 });
  });

  test('an email the provider has not verified is refused and provisions nothing', async () => {
    const t = await start();
    const landing = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.unverified.login });
    expect(landing.error).toBe('email_not_verified');
    expect(await counts(t)).toEqual({ users: 0, sessions: 0, links: 0 });
  });

  test('an email that an existing account already has is not linked to it', async () => {
    const t = await start();
    await buildUser(t.server.db, { email: providerAccounts.anna.email });
    const landing = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    expect(landing.error).toBe('email_in_use');
    expect(await counts(t)).toEqual({ users: 1, sessions: 0, links: 0 });
  });

  test('a deactivated account is refused at the provider’s answer, and a ticket issued before is refused too', async () => {
    const t = await start();
    const first = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    await t.server.db.prisma.user.updateMany({ data: { status: 'deactivated' } });

    const again = await browserSignIn(t, new TestBrowser(), { login: providerAccounts.anna.login });
    expect(again.error).toBe('account_deactivated');
    expect(again.ticket).toBeUndefined();
    const redeemed = await failure(t.client().api.identity.oidc.redeemTicket.mutate({ ticket: first.ticket as string }));
    expect(redeemed.data?.appCode).toBe('account_deactivated');
    expect(await counts(t)).toMatchObject({ sessions: 0 });
  });

  test('sign-ins waiting at the provider are bounded in number: past 1,000 a start is refused until some expire', async () => {
    const t = await start();
    for (let batch = 0; batch < 20; batch += 1) {
      const starts = await Promise.all(Array.from({ length: 50 }, () => fetch(startUrl(t), { redirect: 'manual' })));
      expect(starts.map((response) => response.status)).toEqual(Array(50).fill(303));
    }
    const refused = await new TestBrowser().request(startUrl(t));
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get('retry-after')).toBe('600');
    expect(refused.body).toContain('Too many sign-ins are in progress');

    t.clock.advance(seconds(601));
    expect((await new TestBrowser().request(startUrl(t))).response.status).toBe(303);
  });

  test('a start with a malformed desktop request is refused with a page', async () => {
    const t = await start();
    const visit = await new TestBrowser().request(`${startUrl(t)}?desktop_challenge=short&desktop_port=80`);
    expect(visit.response.status).toBe(400);
    expect(visit.body).toContain('This sign-in link is not valid');
  });
});

describe('start-up', () => {
  test('an issuer that cannot be reached stops the start, naming the setting', async () => {
    const closed = await startTestProvider();
    await closed.close();
    const error = await thrown(startTestServer({ env: { CONSILIUM_OIDC_ISSUER: closed.issuer, CONSILIUM_OIDC_CLIENT_ID: 'consilium' } }), ConfigError);
    expect(error.message).toContain(`The OpenID Connect provider ${closed.issuer} (CONSILIUM_OIDC_ISSUER) cannot be used`);
    expect(error.message).toContain('ECONNREFUSED');
  });

  test('a URL that is not the provider’s issuer stops the start', async () => {
    const error = await thrown(startTestServer({ env: { CONSILIUM_OIDC_ISSUER: `${provider.issuer}/not-the-issuer`, CONSILIUM_OIDC_CLIENT_ID: 'consilium' } }), ConfigError);
    expect(error.message).toContain('(CONSILIUM_OIDC_ISSUER) cannot be used');
  });
});
