// Tests the desktop sign-in through the provider with a scripted server and browser: the browser
// really comes back to the loopback port; the server's redeem answer is scripted.
import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { DesktopSignIn } from '../../../main/oidc.ts';
import { type Fetch, ServerUnreachableError } from '../../../main/vault.ts';
import { thrown } from '../../fixtures/errors.ts';

const serverUrl = 'http://127.0.0.1:4500';
const ticket = 'T'.repeat(43);
const pair = { accessToken: 'access-token', accessTokenExpiresAt: '2030-01-01T00:05:00.000Z', refreshToken: 'r'.repeat(43) };

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

function redeemed(body = pair): Response {
  return Response.json({ result: { data: body } });
}

function refused(appCode: string): Response {
  return Response.json({ error: { message: appCode, code: -32001, data: { appCode, details: {}, fields: {} } } }, { status: 401 });
}

/** A DesktopSignIn whose browser and server are the test's: `opened()` yields each URL the browser was asked to open. */
function harness(options: { redeem?: () => Promise<Response>; openExternal?: (url: string) => Promise<void>; timeoutMs?: number } = {}) {
  const kept: string[] = [];
  const requests: { url: string; body: Record<string, string> }[] = [];
  const waiting: ((url: URL) => void)[] = [];
  const openedUrls: URL[] = [];
  const fetch: Fetch = async (url, init) => {
    requests.push({ url, body: JSON.parse(String(init.body)) as Record<string, string> });
    return (options.redeem ?? (async () => redeemed()))();
  };
  const flow = new DesktopSignIn({
    serverUrl,
    fetch,
    openExternal: options.openExternal ?? (async (url) => {
      openedUrls.push(new URL(url));
      waiting.shift()?.(new URL(url));
    }),
    keep: async (token) => {
      kept.push(token);
    },
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  const opened = () => new Promise<URL>((resolve) => {
    const already = openedUrls.shift();
    if (already) resolve(already);
    else waiting.push((url) => resolve(openedUrls.shift() ?? url));
  });
  return { flow, kept, requests, opened };
}

/** The browser comes back to the desktop client's port, as the server's redirect sends it. */
function browserReturns(start: URL, query: Record<string, string>, path = '/consilium/oidc'): Promise<Response> {
  const url = new URL(`http://127.0.0.1:${start.searchParams.get('desktop_port')}${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return fetch(url, { redirect: 'manual' });
}

const challengeOf = (start: URL) => start.searchParams.get('desktop_challenge') as string;

describe('DesktopSignIn', () => {
  test('opens the server’s start page in the browser, takes the ticket on its port, redeems it with the verifier, and keeps the refresh token', async () => {
    const { flow, kept, requests, opened } = harness();
    const outcome = flow.signIn();
    const start = await opened();
    expect(`${start.origin}${start.pathname}`).toBe(`${serverUrl}/auth/oidc/start`);
    expect(challengeOf(start)).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const back = await browserReturns(start, { challenge: challengeOf(start), ticket });
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`${serverUrl}/auth/oidc/done`);

    await expect(outcome).resolves.toEqual({ ok: true, grant: { accessToken: 'access-token', accessTokenExpiresAt: '2030-01-01T00:05:00.000Z' } });
    expect(kept).toEqual([pair.refreshToken]);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.url).toBe(`${serverUrl}/trpc/identity.oidc.redeemTicket`);
    expect(requests[0]?.body.ticket).toBe(ticket);
    expect(sha256(requests[0]?.body.verifier as string)).toBe(challengeOf(start));
    // The port is closed once the answer is in.
    await expect(browserReturns(start, { challenge: challengeOf(start), ticket })).rejects.toThrow();
  });

  test('each sign-in has its own verifier', async () => {
    const { flow, opened } = harness();
    const first = flow.signIn();
    const a = await opened();
    await browserReturns(a, { challenge: challengeOf(a), ticket });
    await first;
    const second = flow.signIn();
    const b = await opened();
    await browserReturns(b, { challenge: challengeOf(b), ticket });
    await second;
    expect(challengeOf(a)).not.toBe(challengeOf(b));
  });

  test('a failure the server sends back ends the sign-in with its code, and the browser is shown why', async () => {
    const { flow, kept, requests, opened } = harness();
    const outcome = flow.signIn();
    const start = await opened();
    const back = await browserReturns(start, { challenge: challengeOf(start), error: 'email_not_verified' });
    expect(back.headers.get('location')).toBe(`${serverUrl}/auth/oidc/done?error=email_not_verified`);
    await expect(outcome).resolves.toEqual({ ok: false, code: 'email_not_verified' });
    expect(requests).toEqual([]);
    expect(kept).toEqual([]);
  });

  test('an answer for another sign-in, or anything else on the port, is turned away and the sign-in goes on', async () => {
    const { flow, opened } = harness();
    const outcome = flow.signIn();
    const start = await opened();
    expect((await browserReturns(start, { challenge: 'x'.repeat(43), ticket })).status).toBe(400);
    expect((await browserReturns(start, { challenge: challengeOf(start), ticket: 'short' })).status).toBe(400);
    expect((await browserReturns(start, { challenge: challengeOf(start), error: 'rm -rf' })).status).toBe(400);
    expect((await browserReturns(start, { challenge: challengeOf(start), ticket }, '/other')).status).toBe(404);

    await browserReturns(start, { challenge: challengeOf(start), ticket });
    await expect(outcome).resolves.toMatchObject({ ok: true });
  });

  test('cancel ends the sign-in in progress and closes the port', async () => {
    const { flow, kept, opened } = harness();
    const outcome = flow.signIn();
    const start = await opened();
    flow.cancel();
    await expect(outcome).resolves.toEqual({ ok: false, code: 'cancelled' });
    await expect(browserReturns(start, { challenge: challengeOf(start), ticket })).rejects.toThrow();
    expect(kept).toEqual([]);
  });

  test('a sign-in cancelled before the browser opens never opens it', async () => {
    const { flow } = harness({ openExternal: async () => Promise.reject(new Error('must not open')) });
    const outcome = flow.signIn();
    flow.cancel();
    await expect(outcome).resolves.toEqual({ ok: false, code: 'cancelled' });
  });

  test('a new sign-in replaces the one in progress', async () => {
    const { flow, opened } = harness();
    const first = flow.signIn();
    await opened();
    const second = flow.signIn();
    await expect(first).resolves.toEqual({ ok: false, code: 'cancelled' });
    const start = await opened();
    await browserReturns(start, { challenge: challengeOf(start), ticket });
    await expect(second).resolves.toMatchObject({ ok: true });
  });

  test('a browser that never comes back ends the sign-in as timed out', async () => {
    const { flow } = harness({ timeoutMs: 50 });
    await expect(flow.signIn()).resolves.toEqual({ ok: false, code: 'timed_out' });
  });

  test('a browser that cannot be opened is reported, and the port is closed', async () => {
    let port: string | null = null;
    const { flow } = harness({
      openExternal: async (url) => {
        port = new URL(url).searchParams.get('desktop_port');
        throw new Error('no browser');
      },
    });
    await expect(flow.signIn()).resolves.toEqual({ ok: false, code: 'browser_unavailable' });
    await expect(fetch(`http://127.0.0.1:${port}/consilium/oidc`)).rejects.toThrow();
  });

  test.each([
    ['the server’s code when it refuses the ticket', async () => refused('account_deactivated'), 'account_deactivated'],
    ['sign_in_expired when the answer is not a token pair', async () => Response.json({ result: { data: { accessToken: 'x' } } }), 'sign_in_expired'],
  ])('a redeem that fails ends the sign-in with %s, keeping nothing', async (_name, redeem, code) => {
    const { flow, kept, opened } = harness({ redeem });
    const outcome = flow.signIn();
    const start = await opened();
    await browserReturns(start, { challenge: challengeOf(start), ticket });
    await expect(outcome).resolves.toEqual({ ok: false, code });
    expect(kept).toEqual([]);
  });

  test('a server that cannot be reached to redeem rejects as unreachable', async () => {
    const { flow, opened } = harness({ redeem: async () => Promise.reject(new TypeError('fetch failed')) });
    const outcome = thrown(flow.signIn(), ServerUnreachableError);
    const start = await opened();
    await browserReturns(start, { challenge: challengeOf(start), ticket });
    expect((await outcome).message).toBe('server_unreachable');
  });

});
