// Tests the session vault with a scripted fetch: rotation, refusal, sharing, races and outages.
import { describe, expect, test } from 'vitest';
import { MemoryTokenStore, ServerUnreachableError, SessionVault, type Fetch } from '../../../main/vault.ts';

const serverUrl = 'http://127.0.0.1:4500';
const first = 'a'.repeat(43);
const second = 'b'.repeat(43);
const third = 'c'.repeat(43);

interface Call {
  url: string;
  method: string | undefined;
  contentType: string | null;
  body: unknown;
}

function success(refreshToken: string, accessToken = `access-for-${refreshToken.slice(0, 1)}`): Response {
  const data = { accessToken, accessTokenExpiresAt: '2030-01-01T00:05:00.000Z', refreshToken };
  return Response.json({ result: { data } });
}

function failure(appCode: string): Response {
  const data = { code: 'UNAUTHORIZED', httpStatus: 401, path: 'identity.refresh', appCode, details: {}, fields: {} };
  return Response.json({ error: { message: appCode, code: -32001, data } }, { status: 401 });
}

/** A fetch that records each call and answers with the next scripted response. */
function scriptedFetch(...answers: (() => Promise<Response>)[]) {
  const calls: Call[] = [];
  const fetch: Fetch = async (url, init) => {
    calls.push({
      url,
      method: init.method,
      contentType: new Headers(init.headers).get('content-type'),
      body: JSON.parse(String(init.body)),
    });
    const answer = answers.shift();
    if (!answer) throw new Error('unexpected fetch');
    return answer();
  };
  return { fetch, calls };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function vaultWith(fetch: Fetch) {
  const store = new MemoryTokenStore();
  return { vault: new SessionVault({ serverUrl, fetch, store }), store };
}

describe('SessionVault', () => {
  test('without a kept token answers not_signed_in and does not call the server', async () => {
    const { fetch, calls } = scriptedFetch();
    const { vault } = vaultWith(fetch);
    await expect(vault.refresh()).resolves.toEqual({ ok: false, code: 'not_signed_in' });
    expect(calls).toEqual([]);
  });

  test('rotates the token: returns only the access grant and uses the new token next time', async () => {
    const { fetch, calls } = scriptedFetch(
      async () => success(second),
      async () => success(third),
    );
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);

    const outcome = await vault.refresh();
    expect(outcome).toEqual({
      ok: true,
      grant: { accessToken: 'access-for-b', accessTokenExpiresAt: '2030-01-01T00:05:00.000Z' },
    });
    expect(JSON.stringify(outcome)).not.toContain(second);
    await vault.refresh();

    expect(calls).toEqual([
      { url: `${serverUrl}/trpc/identity.refresh`, method: 'POST', contentType: 'application/json', body: { refreshToken: first } },
      { url: `${serverUrl}/trpc/identity.refresh`, method: 'POST', contentType: 'application/json', body: { refreshToken: second } },
    ]);
    expect(await store.read()).toBe(third);
  });

  test('on an error response forgets the token and returns the server code', async () => {
    const { fetch, calls } = scriptedFetch(async () => failure('session_revoked'));
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);

    await expect(vault.refresh()).resolves.toEqual({ ok: false, code: 'session_revoked' });
    expect(await store.read()).toBeUndefined();
    await expect(vault.refresh()).resolves.toEqual({ ok: false, code: 'not_signed_in' });
    expect(calls).toHaveLength(1);
  });

  test.each([
    ['an internal error', () => failure('internal')],
    ['an unknown code', () => failure('teapot')],
    ['a body that is not JSON', () => new Response('<html>Bad gateway</html>', { status: 502 })],
    ['a success body with a malformed token', () => Response.json({ result: { data: { accessToken: 'x', accessTokenExpiresAt: 'y', refreshToken: 'short' } } })],
    ['a success body with an error status', () => new Response(JSON.stringify({ result: { data: {} } }), { status: 500 })],
  ])('maps %s to session_expired and forgets the token', async (_name, answer) => {
    const { fetch } = scriptedFetch(async () => answer());
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);

    await expect(vault.refresh()).resolves.toEqual({ ok: false, code: 'session_expired' });
    expect(await store.read()).toBeUndefined();
  });

  test('concurrent refreshes share one request', async () => {
    const answer = deferred<Response>();
    const { fetch, calls } = scriptedFetch(() => answer.promise);
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);

    const refreshes = [vault.refresh(), vault.refresh(), vault.refresh()];
    answer.resolve(success(second));
    const outcomes = await Promise.all(refreshes);

    expect(calls).toHaveLength(1);
    expect(outcomes.every((outcome) => outcome.ok)).toBe(true);
    expect(await store.read()).toBe(second);
  });

  test('a refresh after the shared one finished makes a new request', async () => {
    const { fetch, calls } = scriptedFetch(
      async () => success(second),
      async () => success(third),
    );
    const { vault } = vaultWith(fetch);
    await vault.keep(first);
    await Promise.all([vault.refresh(), vault.refresh()]);
    await vault.refresh();
    expect(calls.map((call) => call.body)).toEqual([{ refreshToken: first }, { refreshToken: second }]);
  });

  test('a forget while the request is out is not undone by its answer', async () => {
    const answer = deferred<Response>();
    const { fetch } = scriptedFetch(() => answer.promise);
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);

    const refreshing = vault.refresh();
    await vault.forget();
    answer.resolve(success(second));

    await expect(refreshing).resolves.toEqual({ ok: false, code: 'not_signed_in' });
    expect(await store.read()).toBeUndefined();
  });

  test('a new sign-in while the request is out is kept, even if the old token is refused', async () => {
    const answer = deferred<Response>();
    const { fetch } = scriptedFetch(() => answer.promise);
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);

    const refreshing = vault.refresh();
    await vault.keep(third);
    answer.resolve(failure('session_revoked'));

    await refreshing;
    expect(await store.read()).toBe(third);
  });

  test('when the server cannot be reached, rejects and keeps the token for a retry', async () => {
    const { fetch, calls } = scriptedFetch(
      async () => {
        throw new TypeError('fetch failed');
      },
      async () => success(second),
    );
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);

    const failed = vault.refresh();
    await expect(failed).rejects.toBeInstanceOf(ServerUnreachableError);
    await expect(failed).rejects.toThrow('server_unreachable');
    expect(await store.read()).toBe(first);

    await expect(vault.refresh()).resolves.toMatchObject({ ok: true });
    expect(calls.map((call) => call.body)).toEqual([{ refreshToken: first }, { refreshToken: first }]);
  });

  test('gives up on a request that takes longer than the timeout', async () => {
    const fetch: Fetch = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const store = new MemoryTokenStore();
    const vault = new SessionVault({ serverUrl, fetch, store, timeoutMs: 20 });
    await vault.keep(first);

    await expect(vault.refresh()).rejects.toBeInstanceOf(ServerUnreachableError);
    expect(await store.read()).toBe(first);
  });

  test('forget drops the token', async () => {
    const { fetch } = scriptedFetch();
    const { vault, store } = vaultWith(fetch);
    await vault.keep(first);
    await vault.forget();
    expect(await store.read()).toBeUndefined();
  });
});
