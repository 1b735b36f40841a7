// Who may call the API from a web page: the server's own pages and the desktop client's app://
// origin; any other site gets no CORS grant and no WebSocket.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { desktopAppOrigin } from '../../app/desktop/bridge.ts';
import { startTestServer, type TestServer } from '../fixtures/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

const preflight = (origin: string) =>
  fetch(`${server.server.url}/trpc/system.info`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

/** Opens a WebSocket with the given Origin header; resolves to whether the handshake was accepted. */
function openSocket(origin: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${server.server.url.replace('http', 'ws')}/trpc`, origin ? { origin } : {});
    socket.once('open', () => {
      socket.close();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('HTTP', () => {
  test("the desktop client's origin may call the API across origins", async () => {
    const answer = await preflight(desktopAppOrigin);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(desktopAppOrigin);
    expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');

    const info = await fetch(`${server.server.url}/trpc/system.info`, { headers: { origin: desktopAppOrigin } });
    expect(info.headers.get('access-control-allow-origin')).toBe(desktopAppOrigin);
  });

  test('another site gets no CORS grant', async () => {
    const answer = await preflight('https://evil.example');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const info = await fetch(`${server.server.url}/trpc/system.info`, { headers: { origin: 'https://evil.example' } });
    expect(info.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('WebSocket', () => {
  test('admits the desktop client, same-origin pages and non-browser clients', async () => {
    expect(await openSocket(desktopAppOrigin)).toBe(true);
    expect(await openSocket(server.server.url)).toBe(true);
    expect(await openSocket(undefined)).toBe(true);
  });

  test('refuses a page of another site', async () => {
    expect(await openSocket('https://evil.example')).toBe(false);
  });
});
