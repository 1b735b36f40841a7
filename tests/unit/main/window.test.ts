// Tests the main window's creation and hardening with fakes that record what Electron would be told.
import type { BrowserWindowConstructorOptions } from 'electron';
import { describe, expect, test } from 'vitest';
import {
  clearSessionData,
  createMainWindow,
  hardenWebContents,
  type AppSession,
  type HardenableWebContents,
  type MainWindow,
  type NavigationEvent,
} from '../../../main/window.ts';

type Listener = (event: NavigationEvent) => void;

class FakeWebContents implements HardenableWebContents {
  windowOpenHandler: (() => { action: 'deny' }) | undefined;
  readonly listeners = new Map<string, Listener[]>();

  setWindowOpenHandler(handler: () => { action: 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  on(event: string, listener: Listener): void {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
  }

  /** Emits an event the way Electron would and tells whether a listener prevented it. */
  emit(event: string, url = ''): boolean {
    let prevented = false;
    for (const listener of this.listeners.get(event) ?? []) {
      listener({ url, preventDefault: () => (prevented = true) });
    }
    return prevented;
  }
}

class FakeWindow implements MainWindow {
  readonly webContents = new FakeWebContents();
  readonly loaded: string[] = [];
  readonly listeners = new Map<string, () => void>();
  shown = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {}

  once(event: string, listener: () => void): void {
    this.listeners.set(event, listener);
  }

  on(event: string, listener: () => void): void {
    this.listeners.set(event, listener);
  }

  show(): void {
    this.shown = true;
  }

  async loadURL(url: string): Promise<void> {
    this.loaded.push(url);
  }
}

type RequestHandler = Parameters<AppSession['setPermissionRequestHandler']>[0];
type CheckHandler = Parameters<AppSession['setPermissionCheckHandler']>[0];

class FakeSession implements AppSession {
  requestHandler: RequestHandler | undefined;
  checkHandler: CheckHandler | undefined;
  readonly cleared: string[] = [];

  setPermissionRequestHandler(handler: RequestHandler): void {
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: CheckHandler): void {
    this.checkHandler = handler;
  }

  async clearStorageData(): Promise<void> {
    this.cleared.push('storage');
  }

  async clearCache(): Promise<void> {
    this.cleared.push('cache');
  }

  /** Asks the request handler as Electron would and returns its answer. */
  request(permission: string, requestingUrl: string, mediaTypes: string[] = []): boolean {
    let granted: boolean | undefined;
    this.requestHandler?.({}, permission, (answer) => (granted = answer), { requestingUrl, isMainFrame: true, mediaTypes });
    if (granted === undefined) throw new Error('the permission request was never answered');
    return granted;
  }
}

const meetingRoom = 'app://consilium/index.html#/meetings/m-1/room';

async function openWindow() {
  const session = new FakeSession();
  const windows: FakeWindow[] = [];
  const window = await createMainWindow({
    createWindow: (options) => {
      const created = new FakeWindow(options);
      windows.push(created);
      return created;
    },
    session,
    preloadPath: '/app/out/preload/index.cjs',
  });
  return { window, windows, session };
}

describe('createMainWindow', () => {
  test('creates one hidden window with the secure web preferences and loads the app', async () => {
    const { window, windows } = await openWindow();
    expect(windows).toEqual([window]);
    expect(window.options.show).toBe(false);
    expect(window.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      partition: 'consilium',
      preload: '/app/out/preload/index.cjs',
    });
    expect(window.loaded).toEqual(['app://consilium/index.html']);
  });

  test('shows the window only when it is ready to show', async () => {
    const { window } = await openWindow();
    expect(window.shown).toBe(false);
    window.listeners.get('ready-to-show')?.();
    expect(window.shown).toBe(true);
  });

  test('denies window.open', async () => {
    const { window } = await openWindow();
    expect(window.webContents.windowOpenHandler?.()).toEqual({ action: 'deny' });
  });

  test.each(['will-navigate', 'will-redirect', 'will-frame-navigate'])('%s: prevents foreign URLs, lets app URLs through', async (event) => {
    const { window } = await openWindow();
    expect(window.webContents.emit(event, 'https://evil.example/')).toBe(true);
    expect(window.webContents.emit(event, 'file:///etc/passwd')).toBe(true);
    expect(window.webContents.emit(event, 'app://consilium/index.html#/patients')).toBe(false);
  });

  test('prevents attaching a webview', async () => {
    const { window } = await openWindow();
    expect(window.webContents.emit('will-attach-webview')).toBe(true);
  });

  test('routes permission requests through the meeting-room rule', async () => {
    const { session } = await openWindow();
    expect(session.request('media', meetingRoom, ['audio', 'video'])).toBe(true);
    expect(session.request('display-capture', meetingRoom, ['video'])).toBe(true);
    expect(session.request('media', 'app://consilium/index.html#/', ['audio'])).toBe(false);
    expect(session.request('notifications', meetingRoom)).toBe(false);
  });

  test('routes permission checks through the same rule', async () => {
    const { session } = await openWindow();
    const check = (permission: string, requestingUrl: string) =>
      session.checkHandler?.({}, permission, 'app://consilium', { isMainFrame: true, requestingUrl, mediaType: 'audio' });
    expect(check('media', meetingRoom)).toBe(true);
    expect(check('media', 'app://consilium/index.html#/patients')).toBe(false);
    expect(check('geolocation', meetingRoom)).toBe(false);
  });

  test('clears the session storage and cache when the window closes', async () => {
    const { window, session } = await openWindow();
    expect(session.cleared).toEqual([]);
    window.listeners.get('closed')?.();
    await Promise.resolve();
    expect(session.cleared.sort()).toEqual(['cache', 'storage']);
  });
});

describe('hardenWebContents', () => {
  test('hardens any web contents the same way', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents);
    expect(contents.windowOpenHandler?.()).toEqual({ action: 'deny' });
    expect(contents.emit('will-navigate', 'http://evil.example')).toBe(true);
    expect(contents.emit('will-attach-webview')).toBe(true);
  });
});

describe('clearSessionData', () => {
  test('clears storage and cache', async () => {
    const session = new FakeSession();
    await clearSessionData(session);
    expect(session.cleared.sort()).toEqual(['cache', 'storage']);
  });
});
