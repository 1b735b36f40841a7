// Tests the pure security decisions: web preferences, navigation, window opening, permissions, CSP.
import { describe, expect, test } from 'vitest';
import {
  contentSecurityPolicyFor,
  isAppUrl,
  navigationDecision,
  permissionCheckDecision,
  permissionDecision,
  secureWebPreferences,
  windowOpenDecision,
} from '../../../main/security.ts';

const meetingRoom = 'app://consilium/index.html#/meetings/m-42/room';
const home = 'app://consilium/index.html#/';

describe('secureWebPreferences', () => {
  test('is isolated, sandboxed, Node-free and memory-only', () => {
    expect(secureWebPreferences('/opt/consilium/out/preload/index.cjs')).toEqual({
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
      partition: 'consilium',
      preload: '/opt/consilium/out/preload/index.cjs',
    });
  });
});

describe('isAppUrl', () => {
  test.each([
    ['app://consilium/index.html', true],
    ['app://consilium/', true],
    ['app://consilium/index.html#/meetings/1/room', true],
    ['app://consilium:8080/index.html', false],
    ['app://user@consilium/index.html', false],
    ['app://consilium.evil.example/index.html', false],
    ['https://consilium/index.html', false],
    ['not a url', false],
  ])('%s -> %s', (url, expected) => {
    expect(isAppUrl(url)).toBe(expected);
  });
});

describe('navigationDecision', () => {
  test.each([
    ['app://consilium/index.html', 'allow'],
    ['app://consilium/index.html#/patients', 'allow'],
    ['http://evil.example', 'deny'],
    ['https://evil.example/app://consilium/', 'deny'],
    ['file:///etc/passwd', 'deny'],
    ['app://other/index.html', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['', 'deny'],
  ])('%s -> %s', (url, expected) => {
    expect(navigationDecision(url)).toBe(expected);
  });
});

describe('windowOpenDecision', () => {
  test('denies every new window', () => {
    expect(windowOpenDecision()).toEqual({ action: 'deny' });
  });
});

describe('permissionDecision', () => {
  const mainFrame = { isMainFrame: true };
  test.each([
    ['media on the meeting room', 'media', meetingRoom, { ...mainFrame, mediaTypes: ['audio', 'video'] }, true],
    ['microphone only on the meeting room', 'media', meetingRoom, { ...mainFrame, mediaTypes: ['audio'] }, true],
    ['display-capture on the meeting room', 'display-capture', meetingRoom, { ...mainFrame, mediaTypes: ['video'] }, true],
    ['media on the home route', 'media', home, { ...mainFrame, mediaTypes: ['video'] }, false],
    ['media on the meetings list', 'media', 'app://consilium/index.html#/meetings', mainFrame, false],
    ['media on a meeting but not its room', 'media', 'app://consilium/index.html#/meetings/m-42', mainFrame, false],
    ['media on a room nested deeper', 'media', 'app://consilium/index.html#/meetings/m-42/x/room', mainFrame, false],
    ['media with the route in the path, not the hash', 'media', 'app://consilium/meetings/m-42/room', mainFrame, false],
    ['media from another origin', 'media', 'https://evil.example/#/meetings/m-42/room', mainFrame, false],
    ['media from a subframe', 'media', meetingRoom, { isMainFrame: false, mediaTypes: ['audio'] }, false],
    ['media of an unknown type', 'media', meetingRoom, { ...mainFrame, mediaTypes: ['unknown'] }, false],
    ['media without a requesting URL', 'media', undefined, mainFrame, false],
    ['notifications on the meeting room', 'notifications', meetingRoom, mainFrame, false],
    ['geolocation on the meeting room', 'geolocation', meetingRoom, mainFrame, false],
    ['clipboard-read on the meeting room', 'clipboard-read', meetingRoom, mainFrame, false],
    ['midi on the meeting room', 'midi', meetingRoom, mainFrame, false],
    ['usb on the meeting room', 'usb', meetingRoom, mainFrame, false],
    ['serial on the meeting room', 'serial', meetingRoom, mainFrame, false],
    ['hid on the meeting room', 'hid', meetingRoom, mainFrame, false],
    ['openExternal on the meeting room', 'openExternal', meetingRoom, mainFrame, false],
    ['an unknown permission', 'unknown', meetingRoom, mainFrame, false],
  ] as const)('%s', (_name, permission, url, details, expected) => {
    expect(permissionDecision(permission, url, details)).toBe(expected);
  });
});

describe('permissionCheckDecision', () => {
  test.each([
    ['media check on the meeting room', 'media', { isMainFrame: true, requestingUrl: meetingRoom, mediaType: 'video' }, true],
    ['display-capture check on the meeting room', 'display-capture', { isMainFrame: true, requestingUrl: meetingRoom }, true],
    ['media check on the home route', 'media', { isMainFrame: true, requestingUrl: home, mediaType: 'audio' }, false],
    ['media check of unknown type', 'media', { isMainFrame: true, requestingUrl: meetingRoom, mediaType: 'unknown' }, false],
    ['media check for no document', 'media', { isMainFrame: true, mediaType: 'audio' }, false],
    ['notifications check on the meeting room', 'notifications', { isMainFrame: true, requestingUrl: meetingRoom }, false],
  ] as const)('%s', (_name, permission, details, expected) => {
    expect(permissionCheckDecision(permission, details)).toBe(expected);
  });
});

describe('contentSecurityPolicyFor', () => {
  test('lets the page connect to the server over HTTP and WebSocket only', () => {
    const policy = contentSecurityPolicyFor('http://127.0.0.1:4500');
    expect(policy).toContain("connect-src 'self' http://127.0.0.1:4500 ws://127.0.0.1:4500");
    expect(policy).toContain("script-src 'self'");
  });

  test('lets the image viewer compile WebAssembly codecs, but allows no eval and workers only from the app', () => {
    const directives = contentSecurityPolicyFor('http://127.0.0.1:4500').split('; ');
    expect(directives).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect(directives).toContain("worker-src 'self'");
  });

  test('uses wss for an https server and drops any path', () => {
    expect(contentSecurityPolicyFor('https://consilium.example/base')).toContain(
      "connect-src 'self' https://consilium.example wss://consilium.example;",
    );
  });
});
