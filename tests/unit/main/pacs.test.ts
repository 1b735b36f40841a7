// The main process's PACS fetch for the desktop client, against a real loopback HTTP server: the
// answer comes back whole with its status and type, redirects are refused, oversized answers stop.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetchFromPacs } from '../../../main/pacs.ts';

let server: Server;
let base: string;
const seen: Array<{ url: string; accept: string | undefined; cookie: string | undefined }> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    seen.push({ url: request.url ?? '', accept: request.headers.accept, cookie: request.headers.cookie });
    if (request.url === '/dicom-web/studies') {
      response.writeHead(200, { 'content-type': 'application/dicom+json' });
      response.end(JSON.stringify([{ '0020000D': { vr: 'UI', Value: ['1.2.3'] } }]));
    } else if (request.url === '/redirect') {
      response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' });
      response.end();
    } else if (request.url === '/big') {
      response.writeHead(200, { 'content-type': 'application/dicom' });
      // No Content-Length: the limit is found while reading.
      for (let i = 0; i < 10; i++) response.write(Buffer.alloc(1000, 1));
      response.end();
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('fetchFromPacs', () => {
  test('returns the answer whole, with status and type, and sends the Accept asked for', async () => {
    const outcome = await fetchFromPacs({ url: `${base}/dicom-web/studies`, accept: 'application/dicom+json' });
    expect(outcome.ok && outcome.status).toBe(200);
    if (!outcome.ok) return;
    expect(outcome.contentType).toBe('application/dicom+json');
    expect(JSON.parse(new TextDecoder().decode(outcome.body))).toEqual([{ '0020000D': { vr: 'UI', Value: ['1.2.3'] } }]);
    expect(seen.at(-1)).toEqual({ url: '/dicom-web/studies', accept: 'application/dicom+json', cookie: undefined });
  });

  test('an error status is passed on for the renderer to explain', async () => {
    const outcome = await fetchFromPacs({ url: `${base}/nothing`, accept: 'application/dicom+json' });
    expect(outcome).toMatchObject({ ok: true, status: 404 });
  });

  test('a redirect is not followed', async () => {
    expect(await fetchFromPacs({ url: `${base}/redirect`, accept: '*/*' })).toEqual({ ok: false, code: 'network' });
  });

  test('an answer past the limit is dropped', async () => {
    expect(await fetchFromPacs({ url: `${base}/big`, accept: '*/*' }, fetch, 5000)).toEqual({ ok: false, code: 'too_large' });
    expect(await fetchFromPacs({ url: `${base}/big`, accept: '*/*' }, fetch, 20_000)).toMatchObject({ ok: true, status: 200 });
  });

  test('an unreachable PACS is a network failure', async () => {
    expect(await fetchFromPacs({ url: 'http://127.0.0.1:1/dicom-web/studies', accept: '*/*' })).toEqual({ ok: false, code: 'network' });
  });
});
