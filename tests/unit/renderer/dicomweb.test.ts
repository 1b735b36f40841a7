// The viewer's DICOMweb client against a small DICOMweb answerer on loopback.
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { afterEach, describe, expect, test } from 'vitest';
import { DicomWebError, dicomWebClient } from '../../../renderer/imaging/dicomweb.ts';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

let server: Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

async function serve(handler: Handler): Promise<string> {
  server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('no port');
  return `http://127.0.0.1:${address.port}/dicom-web`;
}

function client(base: string, tokens: string[] = ['t1']) {
  let current = 0;
  return dicomWebClient({
    baseUrl: base,
    authorization: async () => ({ Authorization: `Bearer ${tokens[current]}` }),
    renew: async () => {
      if (current + 1 >= tokens.length) return false;
      current++;
      return true;
    },
  });
}

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => (error instanceof DicomWebError ? error.failure : error));

describe('dicomWebClient', () => {
  test('asks for DICOM JSON with the bearer token, and renews an expired token once', async () => {
    const seen: string[] = [];
    const base = await serve((request, response) => {
      seen.push(`${request.headers.authorization} ${request.headers.accept}`);
      if (request.headers.authorization === 'Bearer old') return response.writeHead(401).end();
      response.writeHead(200, { 'content-type': 'application/dicom+json' }).end('[{"0020000E":{"vr":"UI","Value":["1.2"]}}]');
    });
    const series = await client(base, ['old', 'new']).listSeries('1.2.3');
    expect(series).toEqual([{ '0020000E': { vr: 'UI', Value: ['1.2'] } }]);
    expect(seen).toEqual(['Bearer old application/dicom+json', 'Bearer new application/dicom+json']);
  });

  test('names what went wrong: not found (or not yours), signed out, server trouble, no server', async () => {
    const status = (code: number) => serve((_request, response) => response.writeHead(code).end());
    expect(await failure(client(await status(404)).listSeries('1.2.3'))).toBe('not_found');
    server?.close();
    expect(await failure(client(await status(401)).listSeries('1.2.3'))).toBe('not_signed_in');
    server?.close();
    expect(await failure(client(await status(500)).listSeries('1.2.3'))).toBe('server');
    server?.close();
    expect(await failure(client('http://127.0.0.1:1/dicom-web').listSeries('1.2.3'))).toBe('network');
  });

  test('fills in palette lookup tables given by reference, from this server only', async () => {
    const base = await serve((request, response) => {
      if (request.url?.endsWith('/metadata')) {
        const url = `http://${request.headers.host}/dicom-web/bulk/red`;
        return response.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify([{ '00281201': { vr: 'OW', BulkDataURI: url } }]));
      }
      const boundary = 'b';
      response.writeHead(200, { 'content-type': `multipart/related; type="application/octet-stream"; boundary=${boundary}` });
      response.end(Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/octet-stream\r\n\r\n`), Buffer.from([1, 0, 0, 1, 255, 255]), Buffer.from(`\r\n--${boundary}--\r\n`)]));
    });
    const [instance] = await client(base).seriesMetadata('1.2.3', '1.2.3.4');
    expect(instance!['00281201']).toEqual({ vr: 'OW', Value: [1, 256, 65535] });
  });

  test('reads palette lookup tables sent inline in base64 (as Consilium sends short binary values)', async () => {
    const inline = Buffer.from([1, 0, 0, 1, 255, 255]).toString('base64');
    const base = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify([{ '00281201': { vr: 'OW', InlineBinary: inline } }]));
    });
    const [instance] = await client(base).seriesMetadata('1.2.3', '1.2.3.4');
    expect(instance!['00281201']).toEqual({ vr: 'OW', Value: [1, 256, 65535] });
  });

  test('refuses to follow a bulk data reference to another server (the token must not travel)', async () => {
    const requests: string[] = [];
    const base = await serve((request, response) => {
      requests.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'application/dicom+json' }).end(JSON.stringify([{ '00281201': { vr: 'OW', BulkDataURI: 'http://elsewhere.example/x' } }]));
    });
    expect(await failure(client(base).seriesMetadata('1.2.3', '1.2.3.4'))).toBe('server');
    expect(requests).toHaveLength(1);
  });

  test('builds wadors image ids of frames, UIDs escaped', async () => {
    expect(client('https://c.example/dicom-web/').imageId('1.2', '1.2.3', { sopInstanceUid: '1.2.3.4', frame: 7 })).toBe(
      'wadors:https://c.example/dicom-web/studies/1.2/series/1.2.3/instances/1.2.3.4/frames/7',
    );
  });
});
