// The HTTP side of the API as the client uses it: batched calls, and the headers every answer carries.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer();
});

afterAll(async () => {
  await t.close();
});

describe('batched calls', () => {
  test('many calls made together travel in one request and are all answered', async () => {
    const { api } = t.client();
    const answers = await Promise.all(Array.from({ length: 40 }, () => api.system.info.query()));
    expect(answers).toHaveLength(40);
    for (const answer of answers) expect(answer.training).toBe(false);
  });

  test('a batch answers each call on its own: one failure does not fail the others', async () => {
    const { api } = t.client();
    const [info, me] = await Promise.allSettled([api.system.info.query(), api.identity.me.query()]);
    expect(info.status).toBe('fulfilled');
    expect(me.status).toBe('rejected');
  });
});

describe('every answer', () => {
  test('forbids caching, MIME sniffing and referrers', async () => {
    for (const path of ['/trpc/system.info', '/trpc/identity.me', '/no/such/route']) {
      const answer = await fetch(`${t.server.url}${path}`);
      expect(answer.headers.get('cache-control'), path).toBe('no-store');
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(answer.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  test('a request body over 1 MiB is refused before it is read', async () => {
    const answer = await fetch(`${t.server.url}/trpc/identity.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'someone', password: 'x'.repeat(1024 * 1024), code: '123456' }),
    });
    expect(answer.status).toBe(413);
  });
});
