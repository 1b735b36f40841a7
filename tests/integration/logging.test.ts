// The server's logs are read by operators and shipped to log stores: they must never carry who a
// user is or anything that would let someone sign in as them.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { buildUser, seconds, wrongCode } from '../fixtures/factories.ts';
import { sha256 } from '../../server/identity/oidc/one-time.ts';
import { answer, callbackUrl, startServerWithProvider, startUrl } from '../fixtures/oidc.ts';
import { TestBrowser, throughProvider } from '../fixtures/oidc-browser.ts';
import { startTestProvider, type TestProvider } from '../fixtures/oidc-provider.ts';
import { failure, listen, startTestServer, type TestServer } from '../fixtures/server.ts';

/** Collects what the server logs, line by line. */
function logCollector() {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, text: () => text, lines: () => text.split('\n').filter((line) => line.length > 0) };
}

const person = {
  username: 'philomena.quarterbridge',
  firstName: 'Philomena',
  lastName: 'Quarterbridge',
  email: 'p.quarterbridge@ospedale.example',
  password: 'Vellum-Orchid-Saffron-42',
};

describe('logs during a full sign-in flow', () => {
  const logs = logCollector();
  let t: TestServer;
  /** Everything that must never appear in a log line. */
  const secrets = new Map<string, string>();

  beforeAll(async () => {
    // The most verbose level: whatever an operator turns on must still be clean.
    t = await startTestServer({ env: { CONSILIUM_LOG_LEVEL: 'trace' }, logStream: logs.stream });
    const user = await buildUser(t.server.db, person);
    for (const [name, value] of Object.entries(person)) secrets.set(name, value);
    const client = t.client();
    const { api } = client;

    const wrong = wrongCode(user.totpSecret, t.clock);
    secrets.set('wrong code', wrong);
    secrets.set('wrong password', 'Guess-Harbour-Lantern-17');
    await failure(api.identity.signIn.mutate({ username: person.username, password: 'Guess-Harbour-Lantern-17', code: wrong }));
    await failure(api.identity.signIn.mutate({ username: person.username, password: person.password, code: wrong }));
    await failure(api.identity.signIn.mutate({ username: 'unknown.person.xyz', password: person.password, code: wrong }));
    secrets.set('unknown username', 'unknown.person.xyz');

    t.clock.advance(seconds(30));
    const code = user.code(t.clock);
    secrets.set('code', code);
    const first = await api.identity.signIn.mutate({ username: person.username, password: person.password, code });
    secrets.set('access token', first.accessToken);
    secrets.set('refresh token', first.refreshToken);
    client.token = first.accessToken;
    await api.identity.me.query();

    const ended = listen<{ reason: string }>((callbacks) => api.identity.sessionEnded.subscribe(undefined, callbacks));
    await ended.started;

    const second = await api.identity.refresh.mutate({ refreshToken: first.refreshToken });
    secrets.set('second access token', second.accessToken);
    secrets.set('second refresh token', second.refreshToken);
    client.token = second.accessToken;
    await api.identity.me.query();
    await api.identity.signOut.mutate();
    await failure(api.identity.me.query());
    await failure(api.identity.refresh.mutate({ refreshToken: second.refreshToken }));
    ended.stop();

    // Malformed requests, quoting personal data where the server does not expect it.
    await failure(api.identity.signIn.mutate({ username: person.username, password: person.password, code: `x${code}` }));
    await failure(api.identity.signIn.mutate({ username: `${person.email} `, password: person.password, code }));
    await fetch(`${t.server.url}/trpc/identity.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"username": "${person.username}", "password": "${person.password}"`,
    });
    await fetch(`${t.server.url}/trpc/identity.me?input=${encodeURIComponent(person.email)}`, {
      headers: { authorization: `Bearer ${first.accessToken}` },
    });
    await fetch(`${t.server.url}/no/such/page?user=${person.username}`);
  });

  afterAll(async () => {
    await t.close();
  });

  test('every line is a JSON object', () => {
    for (const line of logs.lines()) expect(() => JSON.parse(line), line).not.toThrow();
  });

  test('the requests are logged by method and path', () => {
    const requests = logs.lines().map((line) => JSON.parse(line) as { req?: { method: string; path: string } }).filter((entry) => entry.req);
    const paths = requests.map((entry) => `${entry.req?.method} ${entry.req?.path}`);
    expect(paths).toContain('POST /trpc/identity.signIn');
    expect(paths).toContain('GET /trpc/identity.me');
    expect(paths).toContain('POST /trpc/identity.refresh');
    expect(paths).toContain('POST /trpc/identity.signOut');
  });

  test('no line carries a name, email, username, password, one-time code or token', () => {
    const text = logs.text();
    expect(text.length).toBeGreaterThan(0);
    for (const [what, value] of secrets) {
      // Codes are six digits: only count them where they are not part of a longer number.
      const pattern = /^\d{6}$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`) : null;
      const found = pattern ? pattern.test(text) : text.toLowerCase().includes(value.toLowerCase());
      expect(found, `the logs contain the ${what}`).toBe(false);
    }
  });
});

describe('logs during sign-ins through an OpenID Connect provider', () => {
  const logs = logCollector();
  let t: TestServer;
  let provider: TestProvider;
  const secrets = new Map<string, string>();
  const account = { login: 'ottilie-subject-4471', givenName: 'Ottilie', familyName: 'Vandermeer', email: 'o.vandermeer@ziekenhuis.example', emailVerified: true };

  beforeAll(async () => {
    provider = await startTestProvider([account]);
    t = await startServerWithProvider(provider, { env: { CONSILIUM_LOG_LEVEL: 'trace' }, logStream: logs.stream });
    secrets.set('subject', account.login);
    secrets.set('given name', account.givenName);
    secrets.set('family name', account.familyName);
    secrets.set('email', account.email);
    secrets.set('username', 'o.vandermeer');

    const browser = new TestBrowser();
    const callback = await throughProvider(browser, startUrl(t), callbackUrl(t), { login: account.login });
    secrets.set('code', callback.searchParams.get('code') ?? '');
    secrets.set('state', callback.searchParams.get('state') ?? '');
    secrets.set('browser binding', browser.cookie('consilium_oidc') ?? '');
    const landing = await answer(browser, callback);
    secrets.set('ticket', landing.ticket ?? '');
    await answer(browser, callback); // replayed: refused, and logged as such
    const pair = await t.client().api.identity.oidc.redeemTicket.mutate({ ticket: landing.ticket as string });
    secrets.set('access token', pair.accessToken);
    secrets.set('refresh token', pair.refreshToken);
    await failure(t.client().api.identity.oidc.redeemTicket.mutate({ ticket: landing.ticket as string }));

    // A desktop sign-in, its ticket in the redirect to the desktop client's loopback port.
    const verifier = 'v'.repeat(43);
    const desktop = await throughProvider(browser, `${startUrl(t)}?desktop_challenge=${sha256(verifier)}&desktop_port=49152`, callbackUrl(t), { login: account.login });
    const loopback = (await answer(browser, desktop)).location as URL;
    secrets.set('desktop ticket', loopback.searchParams.get('ticket') ?? '');
    secrets.set('desktop code', desktop.searchParams.get('code') ?? '');
    await t.client().api.identity.oidc.redeemTicket.mutate({ ticket: loopback.searchParams.get('ticket') as string, verifier });
  });

  afterAll(async () => {
    await t.close();
    await provider.close();
  });

  test('the routes are logged by path, without the provider’s answer in the query', () => {
    const requests = logs.lines().map((line) => JSON.parse(line) as { req?: { path: string } }).filter((entry) => entry.req);
    const paths = requests.map((entry) => entry.req?.path);
    expect(paths).toContain('/auth/oidc/start');
    expect(paths.filter((path) => path === '/auth/oidc/callback')).toHaveLength(3);
    expect(paths.filter((path) => path?.includes('?'))).toEqual([]);
  });

  test('a refused answer is logged with its reason', () => {
    const failed = logs.lines().map((line) => JSON.parse(line) as { msg?: string; oidc?: string }).filter((entry) => entry.msg === 'provider sign-in failed');
    expect(failed.map((entry) => entry.oidc)).toEqual(['unknown, used or expired state']);
  });

  test('no line carries the code, state, ticket, binding, tokens, or who signed in', () => {
    const text = logs.text();
    for (const [what, value] of secrets) {
      expect(value.length, `the test captured the ${what}`).toBeGreaterThan(5);
      expect(text.toLowerCase().includes(value.toLowerCase()), `the logs contain the ${what}`).toBe(false);
    }
  });
});
