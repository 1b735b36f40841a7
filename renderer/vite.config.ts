// The renderer's build settings, shared by electron-vite (electron.vite.config.ts) and by the
// stand-alone dev server (`npm run dev:renderer`, which proxies the API to a running server).
import { resolve } from 'node:path';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type UserConfig } from 'vite';
import packageJson from '../package.json' with { type: 'json' };

/** The settings for the renderer in `root` (passed in: a bundled config cannot tell where it was). */
export function rendererConfig(root: string) {
  return {
    root,
    plugins: [vue()],
    define: { __APP_VERSION__: JSON.stringify(packageJson.version) },
    // Workers as ES modules (pdf.js's is one), emitted as files of the app: the CSP allows no others.
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
