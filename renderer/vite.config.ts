// The renderer's build settings, shared by electron-vite (electron.vite.config.ts) and by the
// stand-alone dev server (`npm run dev:renderer`, which proxies the API to a running server).
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin, type UserConfig } from 'vite';
import packageJson from '../package.json' with { type: 'json' };

/**
 * Absolute asset paths, so that a browser can open a deep link such as /imaging/studies/<uid>
 * directly (app://consilium/ in the desktop client resolves them the same way). electron-vite sets
 * './' for production builds in a `pre` hook; this later hook puts '/' back.
 */
const absoluteBase: Plugin = { name: 'consilium-absolute-base', enforce: 'post', config: () => ({ base: '/' }) };

/** The settings for the renderer in `root` (passed in: a bundled config cannot tell where it was). */
export function rendererConfig(root: string) {
  return {
    root,
    plugins: [vue(), absoluteBase],
    define: { __APP_VERSION__: JSON.stringify(packageJson.version) },
    // Workers as ES modules (pdf.js's is one), emitted as files of the app: the CSP allows no others.
    // cornerstone3d (the DICOM viewer): its image loader ships its own worker and WebAssembly
    // codecs, which must not be pre-bundled; the codecs' CommonJS glue and the metadata/utils
    // packages must be (one copy of the metadata module, default exports for the codecs).
    optimizeDeps: {
      exclude: ['@cornerstonejs/dicom-image-loader'],
      include: [
        'dicom-parser',
        '@cornerstonejs/metadata',
        '@cornerstonejs/utils',
        '@cornerstonejs/codec-charls/decodewasmjs',
        '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs',
        '@cornerstonejs/codec-openjpeg/decodewasmjs',
        '@cornerstonejs/codec-openjph/wasmjs',
        '@cornerstonejs/codec-libjxl/decodewasmjs',
      ],
    },
    worker: { format: 'es' as const },
    build: {
      outDir: resolve(root, '../out/renderer'),
      emptyOutDir: true,
      minify: true,
      rollupOptions: { input: resolve(root, 'index.html') },
    },
  } satisfies UserConfig;
}

const apiServer = process.env.CONSILIUM_SERVER_URL ?? 'http://127.0.0.1:4500';

export default defineConfig({
  ...rendererConfig(import.meta.dirname),
  // /auth: the provider sign-in's routes; /api: files' bytes (set CONSILIUM_PUBLIC_URL on the server to this dev server's address).
  server: { proxy: { '/trpc': { target: apiServer, ws: true }, '/auth': { target: apiServer }, '/api': { target: apiServer } } },
});
