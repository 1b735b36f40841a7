// The desktop client's security decisions as pure functions: web preferences, what may be
// navigated to or opened, which permissions a page gets, and the Content-Security-Policy.
import type { WebPreferences } from 'electron';
import { desktopAppHost, desktopAppScheme } from '../app/desktop/bridge.ts';
import { contentSecurityPolicy } from '../app/security/csp.ts';

/** The custom scheme the renderer is served from (registered as privileged in index.ts). */
export const appScheme = desktopAppScheme;
/** The only host of {@link appScheme}; together they form the app's origin. */
export const appHost = desktopAppHost;
/** The session partition. No `persist:` prefix, so Chromium keeps its storage in memory only. */
export const appPartition = 'consilium';
/** The page the main window loads. */
export const appEntryUrl = `${appScheme}://${appHost}/index.html`;

/** The webPreferences of every window: isolated, sandboxed, no Node, nothing insecure. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    partition: appPartition,
    preload: preloadPath,
  };
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Whether a URL belongs to the app's origin, `app://consilium`. */
export function isAppUrl(url: string): boolean {
  const parsed = parseUrl(url);
  // `origin` is "null" for non-special schemes in Node's URL, so compare the parts instead.
  return (
    parsed !== undefined &&
    parsed.protocol === `${appScheme}:` &&
    parsed.host === appHost &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/** Whether a page may navigate to a URL: only within the app. */
export function navigationDecision(url: string): 'allow' | 'deny' {
  return isAppUrl(url) ? 'allow' : 'deny';
}

/** The window-open handler: the app never opens windows. */
export function windowOpenDecision(): { action: 'deny' } {
  return { action: 'deny' };
}

const meetingRoomRoute = /^\/meetings\/[^/]+\/room$/;

/**
 * Whether a URL of the app shows a meeting room. The renderer uses hash routing in Electron,
 * so the route is the hash: `app://consilium/index.html#/meetings/<id>/room`.
 */
function isMeetingRoomUrl(url: string): boolean {
  if (!isAppUrl(url)) return false;
  const hash = parseUrl(url)?.hash ?? '';
  const routePath = hash.replace(/^#/, '').split('?')[0] ?? '';
  return meetingRoomRoute.test(routePath);
}

/** What Electron tells about a permission request or check, reduced to what the decision needs. */
export interface PermissionDetails {
  /** Whether the asking frame is the top-level frame of its page. */
  readonly isMainFrame: boolean;
  /** For camera, microphone and screen capture: the kinds of stream asked for. */
  readonly mediaTypes?: readonly string[] | undefined;
}

const capturePermissions: ReadonlySet<string> = new Set(['media', 'display-capture']);
const captureMediaTypes: ReadonlySet<string> = new Set(['audio', 'video']);

/**
 * Whether to grant a permission: only camera and microphone ('media') and screen capture
 * ('display-capture'), only for audio and video, only to the app's own top-level page, and only
 * while it shows a meeting room. Everything else (notifications, geolocation, clipboard, MIDI,
 * USB, serial, HID, ...) is denied.
 */
export function permissionDecision(
  permission: string,
  requestingUrl: string | undefined,
  details: PermissionDetails,
): boolean {
  if (!capturePermissions.has(permission)) return false;
  if (requestingUrl === undefined || !details.isMainFrame || !isMeetingRoomUrl(requestingUrl)) return false;
  return (details.mediaTypes ?? []).every((type) => captureMediaTypes.has(type));
}

/** What Electron passes to a permission check handler, as far as the decision needs it. */
export interface PermissionCheckDetails {
  readonly isMainFrame: boolean;
  readonly requestingUrl?: string | undefined;
  readonly mediaType?: string | undefined;
}

/**
 * The permission check (e.g. `navigator.permissions.query`, device enumeration) with the same rule
 * as {@link permissionDecision}. A check made for no document (no requesting URL) is denied.
 */
export function permissionCheckDecision(permission: string, details: PermissionCheckDetails): boolean {
  return permissionDecision(permission, details.requestingUrl, {
    isMainFrame: details.isMainFrame,
    mediaTypes: details.mediaType === undefined ? [] : [details.mediaType],
  });
}

/** The Content-Security-Policy of the app's pages: network only to the server, over HTTP and WebSocket. */
export function contentSecurityPolicyFor(serverUrl: string): string {
  const server = new URL(serverUrl);
  const socketProtocol = server.protocol === 'https:' ? 'wss:' : 'ws:';
  return contentSecurityPolicy([server.origin, `${socketProtocol}//${server.host}`]);
}
