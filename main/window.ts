// Creates the main window and locks down its web contents and session: no foreign navigation,
// no new windows, no webviews, permissions only for meeting rooms.
import type { BrowserWindowConstructorOptions } from 'electron';
import {
  appEntryUrl,
  navigationDecision,
  permissionCheckDecision,
  permissionDecision,
  secureWebPreferences,
  windowOpenDecision,
  type PermissionCheckDetails,
  type PermissionDetails,
} from './security.ts';

/** A navigation about to happen (Electron's will-navigate, will-redirect, will-frame-navigate). */
export interface NavigationEvent {
  readonly url: string;
  preventDefault(): void;
}

/** The part of Electron's WebContents that {@link hardenWebContents} uses. */
export interface HardenableWebContents {
  setWindowOpenHandler(handler: () => { action: 'deny' }): void;
  on(event: 'will-navigate', listener: (event: NavigationEvent) => void): void;
  on(event: 'will-redirect', listener: (event: NavigationEvent) => void): void;
  on(event: 'will-frame-navigate', listener: (event: NavigationEvent) => void): void;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): void;
}

/** What Electron tells about a permission request. */
export interface PermissionRequestDetails extends PermissionDetails {
  readonly requestingUrl: string;
}

/** The part of Electron's Session the window needs. */
export interface AppSession {
  setPermissionRequestHandler(
    handler: (
      webContents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
      details: PermissionRequestDetails,
    ) => void,
  ): void;
  setPermissionCheckHandler(
    handler: (webContents: unknown, permission: string, requestingOrigin: string, details: PermissionCheckDetails) => boolean,
  ): void;
  clearStorageData(): Promise<void>;
  clearCache(): Promise<void>;
}

/** The part of Electron's BrowserWindow that {@link createMainWindow} uses. */
export interface MainWindow {
  readonly webContents: HardenableWebContents;
  once(event: 'ready-to-show', listener: () => void): void;
  on(event: 'closed', listener: () => void): void;
  show(): void;
  loadURL(url: string): Promise<void>;
}

export interface MainWindowDeps<W extends MainWindow> {
  /** Makes the window, e.g. `(options) => new BrowserWindow(options)`. */
  readonly createWindow: (options: BrowserWindowConstructorOptions) => W;
  /** The session of the app's partition; its protocol handler must already serve the app. */
  readonly session: AppSession;
  /** The built preload script (out/preload/index.cjs). */
  readonly preloadPath: string;
}

/**
 * Blocks everything a page could use to leave the app: new windows, navigation and redirects to
 * other origins, and webviews. Applied to the main window and, as defence in depth, to every
 * web contents the app creates.
 */
export function hardenWebContents(contents: HardenableWebContents): void {
  contents.setWindowOpenHandler(windowOpenDecision);
  const guard = (event: NavigationEvent): void => {
    if (navigationDecision(event.url) === 'deny') event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Empties the session's storage (cookies, local storage, IndexedDB, ...) and its cache. */
export async function clearSessionData(session: AppSession): Promise<void> {
  await Promise.all([session.clearStorageData(), session.clearCache()]);
}

/**
 * Creates the main window with secure web preferences, hardens it, routes the session's
 * permission requests and checks through the meeting-room rule, shows the window once it has
 * something to show, clears the session's data when it closes, and loads the app.
 */
export async function createMainWindow<W extends MainWindow>(deps: MainWindowDeps<W>): Promise<W> {
  const { session } = deps;
  session.setPermissionRequestHandler((_webContents, permission, callback, details) => {
    callback(permissionDecision(permission, details.requestingUrl, details));
  });
  session.setPermissionCheckHandler((_webContents, permission, _requestingOrigin, details) =>
    permissionCheckDecision(permission, details),
  );

  const window = deps.createWindow({
    title: 'Consilium',
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 680,
    show: false,
    webPreferences: secureWebPreferences(deps.preloadPath),
  });
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  window.on('closed', () => {
    clearSessionData(session).catch((error: unknown) => console.error('Could not clear session data', error));
  });
  await window.loadURL(appEntryUrl);
  return window;
}
