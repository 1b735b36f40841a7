// The Electron main process: wires the app's scheme, session, IPC and window together. The logic
// lives in the modules it imports, which are tested without Electron.
import { join } from 'node:path';
import { app, BrowserWindow, ipcMain, protocol, session, shell } from 'electron';
import { loadDesktopConfig } from './config.ts';
import { registerIpcHandlers } from './ipc-gate.ts';
import { quitAfter } from './lifecycle.ts';
import { fetchFromPacs } from './pacs.ts';
import { DesktopSignIn } from './oidc.ts';
import { createAppProtocolHandler } from './protocol.ts';
import { appPartition, appScheme, contentSecurityPolicyFor } from './security.ts';
import { MemoryTokenStore, SessionVault } from './vault.ts';
import { clearSessionData, createMainWindow, hardenWebContents } from './window.ts';

// Built to out/main/index.js, next to out/preload/ and out/renderer/.
const preloadPath = join(import.meta.dirname, '../preload/index.cjs');
const rendererDir = join(import.meta.dirname, '../renderer');

// Both must happen before the ready event.
app.enableSandbox();
protocol.registerSchemesAsPrivileged([
  { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

async function start(): Promise<void> {
  const config = loadDesktopConfig(process.env, app.getVersion());
  await app.whenReady();

  // The first fromPartition call fixes the options; the window's `partition` then gets this session.
  const ses = session.fromPartition(appPartition, { cache: false });
  ses.protocol.handle(
    appScheme,
    createAppProtocolHandler({ rendererDir, contentSecurityPolicy: contentSecurityPolicyFor(config.serverUrl) }),
  );

  const vault = new SessionVault({
    serverUrl: config.serverUrl,
    fetch: (url, init) => ses.fetch(url, init),
    store: new MemoryTokenStore(),
  });
  // Only the start URL it builds itself is ever opened: the renderer passes no URL.
  const providerSignIn = new DesktopSignIn({
    serverUrl: config.serverUrl,
    fetch: (url, init) => ses.fetch(url, init),
    openExternal: (url) => shell.openExternal(url),
    keep: (refreshToken) => vault.keep(refreshToken),
  });
  registerIpcHandlers(ipcMain, {
    'consilium:config': () => config,
    'consilium:session.keep': ({ refreshToken }) => vault.keep(refreshToken),
    'consilium:session.refresh': () => vault.refresh(),
    'consilium:session.forget': async () => {
      await vault.forget();
      await clearSessionData(ses);
    },
    'consilium:oidc.signIn': () => providerSignIn.signIn(),
    'consilium:oidc.cancel': () => providerSignIn.cancel(),
    'consilium:pacs.fetch': (request) => fetchFromPacs(request),
  });

  app.on('before-quit', quitAfter(async () => {
    providerSignIn.cancel();
    await vault.forget();
    await clearSessionData(ses);
  }, () => app.quit()));
  app.on('window-all-closed', () => app.quit());

  const mainWindow = await createMainWindow({
    createWindow: (options) => new BrowserWindow(options),
    session: ses,
    preloadPath,
  });
  app.on('second-instance', () => {
    if (mainWindow.isDestroyed()) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
}

if (app.requestSingleInstanceLock()) {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  start().catch((error: unknown) => {
    console.error('Consilium could not start', error);
    app.exit(1);
  });
} else {
  app.quit();
}
