// The desktop client's sign-in through a real provider: the main-process flow (main/oidc.ts) with
// the real server, the browser played by the test, and the session vault keeping the token.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { DesktopSignIn } from '../../main/oidc.ts';
import { MemoryTokenStore, SessionVault } from '../../main/vault.ts';
import { sha256 } from '../../server/identity/oidc/one-time.ts';
import { TestBrowser, throughProvider } from '../fixtures/oidc-browser.ts';
import { providerAccounts, startTestProvider, type TestProvider } from '../fixtures/oidc-provider.ts';
import { answer, callbackUrl, startServerWithProvider, startUrl } from '../fixtures/oidc.ts';
import { failure, type TestServer } from '../fixtures/server.ts';

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

/** The desktop client's main process against the test server, with a browser the test drives. */
async function desktop(login: string) {
  const t = await startServerWithProvider(provider);
  running = t;
  const browser = new TestBrowser();
  const vault = new SessionVault({ serverUrl: t.server.url, fetch, store: new MemoryTokenStore() });
  let browsing: Promise<string> | undefined;
  const flow = new DesktopSignIn({
    serverUrl: t.server.url,
    fetch,
    // Like a system browser: opening returns at once, the person signs in there meanwhile.
    openExternal: async (url) => {
      browsing = (async () => {
        const callback = await throughProvider(browser, url, callbackUrl(t), { login });
        let visit = await browser.request(callback);
        for (let location = TestBrowser.location(visit); location; location = TestBrowser.location(visit)) visit = await browser.request(location);
        return visit.body;
      })();
    },
    keep: (refreshToken) => vault.keep(refreshToken),
  });
  return { t, browser, vault, flow, lastPage: () => browsing as Promise<string> };
}

describe('desktop sign-in through the provider', () => {
  test('the browser signs in, the app gets an access token, main keeps the refresh token, and the browser says to go back to the app', async () => {
    const { t, browser, vault, flow, lastPage } = await desktop(providerAccounts.anna.login);
    const outcome = await flow.signIn();
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.grant).not.toHaveProperty('refreshToken');
    expect((await t.client(outcome.grant.accessToken).api.identity.me.query()).username).toBe('anna.schmidt');
    expect(await lastPage()).toContain('You are signed in to Consilium. You can close this browser tab');

    // The kept refresh token renews the session like a password sign-in's.
    const renewed = await vault.refresh();
    expect(renewed.ok).toBe(true);

    // The ticket passed through the browser on its way to the app, and is of no use left there.
    const loopback = browser.history.find((url) => url.hostname === '127.0.0.1' && url.pathname === '/consilium/oidc') as URL;
    const leftOver = loopback.searchParams.get('ticket') as string;
    expect((await failure(t.client().api.identity.oidc.redeemTicket.mutate({ ticket: leftOver }))).data?.appCode).toBe('sign_in_expired');
  });

  test('a failure at the server ends the app’s wait with its code, and the browser says why', async () => {
    const { t, flow, lastPage } = await desktop(providerAccounts.unverified.login);
    expect(await flow.signIn()).toEqual({ ok: false, code: 'email_not_verified' });
    expect(await lastPage()).toContain('Your identity provider has not confirmed your email address');
    expect(await t.server.db.prisma.session.count()).toBe(0);
  });
});

describe('desktop tickets', () => {
  /** Signs in at the provider for a desktop client that would listen on `port`, returning the ticket sent there. */
  async function desktopTicket(t: TestServer, challenge: string): Promise<string> {
    const browser = new TestBrowser();
    const callback = await throughProvider(browser, `${startUrl(t)}?desktop_challenge=${challenge}&desktop_port=49152`, callbackUrl(t), { login: providerAccounts.anna.login });
    const landing = await answer(browser, callback);
    expect(landing.location?.origin).toBe('http://127.0.0.1:49152');
    expect(landing.location?.searchParams.get('challenge')).toBe(challenge);
    return landing.location?.searchParams.get('ticket') as string;
  }

  test('are redeemed only with the verifier of the challenge that started the sign-in', async () => {
    const t = await startServerWithProvider(provider);
    running = t;
    const verifier = 'V'.repeat(43);
    const api = t.client().api;

    const withoutVerifier = await desktopTicket(t, sha256(verifier));
    expect((await failure(api.identity.oidc.redeemTicket.mutate({ ticket: withoutVerifier }))).data?.appCode).toBe('sign_in_expired');
    const wrongVerifier = await desktopTicket(t, sha256(verifier));
    expect((await failure(api.identity.oidc.redeemTicket.mutate({ ticket: wrongVerifier, verifier: 'W'.repeat(43) }))).data?.appCode).toBe('sign_in_expired');
    // A refused attempt used the ticket up: guessing is not a game one can keep playing.
    expect((await failure(api.identity.oidc.redeemTicket.mutate({ ticket: wrongVerifier, verifier }))).data?.appCode).toBe('sign_in_expired');
    expect(await t.server.db.prisma.session.count()).toBe(0);

    const right = await desktopTicket(t, sha256(verifier));
    await expect(api.identity.oidc.redeemTicket.mutate({ ticket: right, verifier })).resolves.toHaveProperty('accessToken');
  });
});
