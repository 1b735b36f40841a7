// The de-identification module in Chromium, as the renderer will run it: bundled by Vite, in the
// page and in a module Web Worker, with the codecs' WebAssembly located by URL. A masked JPEG-LS
// ultrasound, a held one, deflated and big endian files, and a file that is not DICOM.
import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { build } from 'vite';

const harnessDir = fileURLToPath(new URL('./deidentify/', import.meta.url));
const fixtures = fileURLToPath(new URL('../fixtures/dicom/', import.meta.url));
const codecDirs = ['codec-charls', 'codec-libjpeg-turbo-8bit', 'codec-openjpeg', 'codec-openjph'].map((name) => fileURLToPath(new URL(`../../node_modules/@cornerstonejs/${name}/dist/`, import.meta.url)));
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.wasm': 'application/wasm' };

let outDir: string;
let server: Server;
let origin: string;

/** Serves the built harness, the DICOM fixtures under /files/ and the codecs' .wasm under /wasm/, on loopback only. */
async function serve(): Promise<void> {
  server = createServer(async (request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname));
    const candidates = path.startsWith('/files/') ? [join(fixtures, path.slice(7))]
      : path.startsWith('/wasm/') ? codecDirs.map((dir) => join(dir, path.slice(6)))
        : [join(outDir, path === '/' ? 'index.html' : path)];
    for (const file of candidates) {
      const body = await readFile(file).catch(() => undefined);
      if (body) {
        response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
        response.end(body);
        return;
      }
    }
    response.writeHead(404);
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

test.beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'consilium-deid-harness-'));
  // logLevel error: Vite warns that the codecs' Node branch (fs, path) is left out of the bundle, as it should be.
  await build({ root: harnessDir, configFile: false, logLevel: 'error', build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 2000 }, worker: { format: 'es' } });
  await serve();
});

test.afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(outDir, { recursive: true, force: true });
});

const ultrasound = { url: '/files/phi/us_burned-in-yes_jpeg-ls.dcm', identifying: ['XXXXXXXXXXXXXXXX', '57590 3'] };

for (const where of ['deidentifyInPage', 'deidentifyInWorker'] as const) {
  test(`de-identifies in the browser (${where === 'deidentifyInPage' ? 'page' : 'Web Worker'})`, async ({ page }) => {
    await page.goto(origin);
    await page.waitForFunction(() => typeof window.deidentifyInWorker === 'function');
    const call = (request: object) => page.evaluate(([fn, req]) => window[fn as 'deidentifyInPage'](req as never), [where, request] as const);

    expect(await call(ultrasound)).toEqual({ status: 'held', reason: 'burned_in_annotation' });
    expect(await call({ ...ultrasound, masks: [{ x: 0, y: 120, width: 130, height: 130 }] })).toEqual({
      status: 'deidentified', transferSyntax: '1.2.840.10008.1.2.1', redacted: true, residue: 0, nicknameFound: true,
    });
    for (const [file, syntax] of [['ct_deflated.dcm', '1.2.840.10008.1.2.1.99'], ['ct_explicit-vr-be.dcm', '1.2.840.10008.1.2.2']]) {
      expect(await call({ url: `/files/transfer-syntax/${file}`, identifying: ['MISTER^CT'] })).toEqual({
        status: 'deidentified', transferSyntax: syntax, redacted: false, residue: 0, nicknameFound: true,
      });
    }
    expect(await call({ url: '/files/MANIFEST.tsv', identifying: [] })).toEqual({ status: 'not_dicom' });
  });
}
