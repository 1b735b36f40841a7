// Serves the built renderer under app://consilium/ from a directory, with the app's security headers.
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { appHost, appScheme } from './security.ts';

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export interface AppProtocolOptions {
  /** The built renderer (out/renderer). Nothing outside it is ever read. */
  readonly rendererDir: string;
  /** Sent with every response; see contentSecurityPolicyFor in security.ts. */
  readonly contentSecurityPolicy: string;
}

/**
 * Builds the handler for `protocol.handle('app', ...)`. It answers GET requests for
 * `app://consilium/<path>` with the file at `<rendererDir>/<path>` (index.html for `/`), and
 * refuses other hosts (403), other methods (405), malformed paths (400), paths that would leave
 * the directory (403) and missing files (404).
 */
export function createAppProtocolHandler(options: AppProtocolOptions): (request: Request) => Promise<Response> {
  const root = resolve(options.rendererDir);
  const headers = {
    'Content-Security-Policy': options.contentSecurityPolicy,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
  const refuse = (status: number, text: string): Response =>
    new Response(text, { status, headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' } });

  return async (request) => {
    const url = new URL(request.url);
    if (url.protocol !== `${appScheme}:` || url.host !== appHost) return refuse(403, 'Forbidden');
    if (request.method !== 'GET') return refuse(405, 'Method not allowed');

    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return refuse(400, 'Bad request');
    }
    // URL parsing already removed plain and %2e dot segments; what is left arrived encoded
    // (`..%2f`), as a backslash, or as a NUL byte, and is refused rather than interpreted.
    const segments = path.split('/').slice(1);
    if (path.includes('\\') || path.includes('\0') || segments.includes('..')) return refuse(403, 'Forbidden');
    const relativePath = segments.join('/') || 'index.html';
    if (isAbsolute(relativePath)) return refuse(403, 'Forbidden');
    const file = resolve(root, relativePath);
    // Last line of defence, e.g. against a Windows drive-relative path such as `C:x`.
    const fromRoot = relative(root, file);
    if (fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) return refuse(403, 'Forbidden');

    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      return refuse(404, 'Not found');
    }
    const contentType = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(new Uint8Array(body), { status: 200, headers: { ...headers, 'Content-Type': contentType } });
  };
}
