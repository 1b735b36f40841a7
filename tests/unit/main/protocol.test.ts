// Tests the app:// protocol handler against real files in a temporary directory.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createAppProtocolHandler } from '../../../main/protocol.ts';

const policy = "default-src 'self'";
const secret = 'SECRET-OUTSIDE-RENDERER';
let base: string;
let handle: (request: Request) => Promise<Response>;

beforeAll(async () => {
  // base/package.json and base/x sit next to the renderer directory, where traversal would lead.
  base = await mkdtemp(join(tmpdir(), 'consilium-protocol-'));
  const rendererDir = join(base, 'renderer');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Consilium</title>');
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(rendererDir, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(join(rendererDir, 'assets', 'font.woff2'), 'woff2');
  await writeFile(join(rendererDir, 'assets', 'codec.wasm'), 'wasm');
  await writeFile(join(rendererDir, 'assets', 'data.bin'), 'bin');
  await writeFile(join(base, 'package.json'), secret);
  await writeFile(join(base, 'x'), secret);
  handle = createAppProtocolHandler({ rendererDir, contentSecurityPolicy: policy });
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (url: string, init?: RequestInit) => handle(new Request(url, init));

describe('app protocol handler', () => {
  test('serves index.html with the CSP, nosniff and text/html', async () => {
    const response = await get('app://consilium/index.html');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(policy);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe('<!doctype html><title>Consilium</title>');
  });

  test('serves index.html for the root', async () => {
    const response = await get('app://consilium/');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Consilium</title>');
  });

  test.each([
    ['assets/app.js', 'text/javascript; charset=utf-8'],
    ['assets/app.css', 'text/css; charset=utf-8'],
    ['assets/logo.svg', 'image/svg+xml'],
    ['assets/font.woff2', 'font/woff2'],
    ['assets/codec.wasm', 'application/wasm'],
    ['assets/data.bin', 'application/octet-stream'],
  ])('serves %s as %s', async (path, contentType) => {
    const response = await get(`app://consilium/${path}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(contentType);
    expect(response.headers.get('content-security-policy')).toBe(policy);
  });

  test('answers 404 for a missing file and for a directory', async () => {
    expect((await get('app://consilium/missing.js')).status).toBe(404);
    expect((await get('app://consilium/assets/')).status).toBe(404);
  });

  test.each([
    'app://consilium/../package.json',
    'app://consilium/%2e%2e/x',
    'app://consilium/%2E%2E/package.json',
    'app://consilium/..%2fx',
    'app://consilium/assets/..%2f..%2fpackage.json',
    'app://consilium/..%5cx',
    'app://consilium//etc/passwd',
    'app://consilium/%2fetc%2fpasswd',
  ])('never reads outside the renderer directory for %s', async (url) => {
    const response = await get(url);
    expect([403, 404]).toContain(response.status);
    expect(await response.text()).not.toContain(secret);
  });

  test('never reads a file by its absolute path', async () => {
    const outside = join(base, 'x');
    for (const url of [`app://consilium/${outside}`, `app://consilium/${encodeURIComponent(outside)}`]) {
      const response = await get(url);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain(secret);
    }
  });

  test('refuses an encoded parent segment with 403, even one that stays inside', async () => {
    expect((await get('app://consilium/..%2fx')).status).toBe(403);
    expect((await get('app://consilium/assets/..%2findex.html')).status).toBe(403);
  });

  test('answers 400 for a malformed escape', async () => {
    expect((await get('app://consilium/%zz')).status).toBe(400);
  });

  test.each(['app://other/index.html', 'app://consilium.evil.example/index.html', 'app://consilium:1234/index.html'])(
    'refuses the foreign host %s',
    async (url) => {
      const response = await get(url);
      expect(response.status).toBe(403);
      expect(await response.text()).not.toContain('Consilium</title>');
    },
  );

  test('refuses methods other than GET', async () => {
    expect((await get('app://consilium/index.html', { method: 'POST', body: 'x' })).status).toBe(405);
  });
});
