// How `npm start` chooses to show the workstation when Electron is or is not available.
import { describe, expect, test } from 'vitest';
import { browserArgs, chooseClient, type Environment } from '../../../scripts/launch.ts';

const linux = (env: NodeJS.ProcessEnv, files: string[] = []): Environment => ({ platform: 'linux', env, exists: (path) => files.includes(path) });
const noElectron = { problem: 'Electron failed to install correctly. Please delete node_modules/electron\nstack...' };

describe('chooseClient', () => {
  test('runs Electron whenever its binary is there', () => {
    expect(chooseClient({ executable: '/opt/electron/electron' }, linux({}))).toEqual({ kind: 'electron', executable: '/opt/electron/electron' });
  });

  test('falls back to Chromium on a desktop, saying why in one line', () => {
    const choice = chooseClient(noElectron, linux({ DISPLAY: ':0' }, ['/usr/bin/chromium']));
    expect(choice).toEqual({ kind: 'browser', executable: '/usr/bin/chromium', why: 'Electron is not available (its binary is not installed and could not be downloaded)' });
  });

  test('passes on any other problem in one line', () => {
    const choice = chooseClient({ problem: 'spawn ENOMEM\nmore' }, linux({ DISPLAY: ':0' }, ['/usr/bin/chromium']));
    expect(choice).toMatchObject({ why: 'Electron is not available (spawn ENOMEM)' });
  });

  test('prefers the browser named by CHROMIUM_PATH', () => {
    const choice = chooseClient(noElectron, linux({ DISPLAY: ':0', CHROMIUM_PATH: '/opt/chrome/chrome' }, ['/usr/bin/chromium', '/opt/chrome/chrome']));
    expect(choice).toMatchObject({ kind: 'browser', executable: '/opt/chrome/chrome' });
  });

  test('prints the address on a machine without a display', () => {
    const choice = chooseClient(noElectron, linux({}, ['/usr/bin/chromium']));
    expect(choice.kind).toBe('address');
    expect(choice).toMatchObject({ why: expect.stringContaining('no display') });
  });

  test('prints the address when no browser is found', () => {
    const choice = chooseClient(noElectron, linux({ WAYLAND_DISPLAY: 'wayland-0' }));
    expect(choice).toMatchObject({ kind: 'address', why: expect.stringContaining('set CHROMIUM_PATH') });
  });

  test('opens a browser without a display variable on Windows and macOS', () => {
    const choice = chooseClient(noElectron, { platform: 'darwin', env: {}, exists: (path) => path.includes('Google Chrome') });
    expect(choice.kind).toBe('browser');
  });
});

test('the browser runs as an app window with a throw-away profile and no background traffic', () => {
  const args = browserArgs('http://127.0.0.1:4500', '/tmp/profile-1');
  expect(args).toContain('--app=http://127.0.0.1:4500');
  expect(args).toContain('--user-data-dir=/tmp/profile-1');
  expect(args).toContain('--disable-background-networking');
});
