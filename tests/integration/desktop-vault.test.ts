// The desktop client's vault speaks the server's real refresh protocol: rotation works, and a
// revoked session comes back as such (catches drift between main/vault.ts and the tRPC wire format).
import { afterAll, beforeAll, expect, test } from 'vitest';
import { MemoryTokenStore, SessionVault } from '../../main/vault.ts';
import { buildUser } from '../fixtures/factories.ts';
import { signIn, startTestServer, type TestServer } from '../fixtures/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

test('rotates the refresh token with the real server and hands out working access tokens', async () => {
  const user = await buildUser(server.server.db);
  const pair = await signIn(server.client().api, user, server.clock);
  const store = new MemoryTokenStore();
  const vault = new SessionVault({ serverUrl: server.server.url, fetch: (url, init) => fetch(url, init), store });

  await vault.keep(pair.refreshToken);
  const first = await vault.refresh();
  if (!first.ok) throw new Error(`refresh refused: ${first.code}`);
  expect(await store.read()).not.toBe(pair.refreshToken);
  expect(JSON.stringify(first)).not.toContain(String(await store.read()));

  const me = await server.client(first.grant.accessToken).api.identity.me.query();
  expect(me.username).toBe(user.username);

  const second = await vault.refresh();
  expect(second.ok).toBe(true);
});

test('reports a revoked session with its code and forgets the token', async () => {
  const user = await buildUser(server.server.db);
  const pair = await signIn(server.client().api, user, server.clock);
  const store = new MemoryTokenStore();
  const vault = new SessionVault({ serverUrl: server.server.url, fetch: (url, init) => fetch(url, init), store });
  await vault.keep(pair.refreshToken);

  await server.server.services.identity.revokeAllSessions(user.id);

  expect(await vault.refresh()).toEqual({ ok: false, code: 'session_revoked' });
  expect(await store.read()).toBeUndefined();
});
