// A loopback reverse proxy for the viewer benchmark: the browser loads the workstation from one
// origin; `/dicom-web/*` goes to the DICOMweb server under test (Consilium itself or Orthanc), and
// everything else, WebSocket upgrades included, to the Consilium server. Both rows of the benchmark
// pay the same extra hop.
import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { connect } from 'node:net';

export interface Proxy {
  readonly url: string;
  /** Where `/dicom-web/*` goes from now on: a base such as http://127.0.0.1:8042/dicom-web. */
  setDicomWeb(base: string): void;
  close(): Promise<void>;
}

function forward(incoming: IncomingMessage, outgoing: ServerResponse, target: URL, rewrite?: { from: string; to: string }): void {
  // The Host header stays the proxy's: the Consilium server checks WebSocket and CORS origins
  // against it. Answers to rewrite must come uncompressed.
  const headers = { ...incoming.headers };
  if (rewrite) delete headers['accept-encoding'];
  const upstream = request(
    { host: target.hostname, port: target.port, method: incoming.method, path: target.pathname + target.search, headers },
    (response) => {
      const type = response.headers['content-type'] ?? '';
      if (!rewrite || !type.includes('json')) {
        outgoing.writeHead(response.statusCode ?? 502, response.headers);
        response.pipe(outgoing);
        return;
      }
      // Absolute URLs in DICOM JSON (bulk data, retrieve URLs) name the upstream: give the proxy's.
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.from(Buffer.concat(chunks).toString('utf8').replaceAll(rewrite.from, rewrite.to));
        const headers = { ...response.headers, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        outgoing.writeHead(response.statusCode ?? 502, headers);
        outgoing.end(body);
      });
    },
  );
  upstream.on('error', () => {
    if (!outgoing.headersSent) outgoing.writeHead(502);
    outgoing.end();
  });
  incoming.pipe(upstream);
}

/** Starts the proxy on a free loopback port in front of the Consilium server at `consilium`. */
export async function startProxy(consilium: string): Promise<Proxy> {
  const app = new URL(consilium);
  let dicomWeb = `${app.origin}/dicom-web`;
  const server = createServer((incoming, outgoing) => {
    const path = incoming.url ?? '/';
    if (path.startsWith('/dicom-web/')) {
      const target = new URL(dicomWeb + path.slice('/dicom-web'.length));
      forward(incoming, outgoing, target, { from: dicomWeb, to: `${proxyUrl}/dicom-web` });
    } else {
      forward(incoming, outgoing, new URL(path, app));
    }
  });
  server.on('upgrade', (incoming, socket, head) => {
    const upstream = connect(Number(app.port), app.hostname, () => {
      const lines = [`${incoming.method} ${incoming.url} HTTP/1.1`, ...Object.entries(incoming.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : v}`)];
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
    socket.on('error', () => upstream.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (typeof address !== 'object' || !address) throw new Error('proxy: no port');
  const proxyUrl = `http://127.0.0.1:${address.port}`;
  return {
    url: proxyUrl,
    setDicomWeb: (base) => {
      dicomWeb = base.replace(/\/+$/, '');
    },
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
