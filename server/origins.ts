// Which web origins may call the API: the server's own pages, and the desktop client's app://
// pages. Any other site is refused, for HTTP (no CORS grant) and for WebSockets (handshake refused).
import type { FastifyInstance } from 'fastify';
import { desktopAppOrigin } from '../app/desktop/bridge.ts';
import { fileNameHeader } from '../app/patients/files.ts';

const allowedCrossOrigins = new Set([desktopAppOrigin]);

/** A WebSocket handshake is admitted from non-browser clients (no Origin), same-origin pages and the desktop app. */
export function webSocketOriginAllowed(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  if (allowedCrossOrigins.has(origin)) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Grants CORS to the desktop app's origin only, and answers its preflight requests. */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (!origin || !allowedCrossOrigins.has(origin)) return;
    reply.header('Access-Control-Allow-Origin', origin);
    reply.header('Vary', 'Origin');
    if (request.method === 'OPTIONS') {
      reply
        .header('Access-Control-Allow-Methods', 'GET, POST')
        // accept: DICOMweb clients (the viewer) ask for frames with an Accept that is not CORS-safelisted.
        .header('Access-Control-Allow-Headers', `authorization, content-type, trpc-accept, accept, ${fileNameHeader}`)
        .header('Access-Control-Max-Age', '600')
        .code(204)
        .send();
    }
  });
}
