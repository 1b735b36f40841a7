// Tests the desktop client's configuration: the server URL from the environment and the app version.
import { describe, expect, test } from 'vitest';
import { DesktopConfigError, loadDesktopConfig } from '../../../main/config.ts';

describe('loadDesktopConfig', () => {
  test('defaults to the local development server', () => {
    expect(loadDesktopConfig({}, '1.2.3')).toEqual({ serverUrl: 'http://127.0.0.1:4500', appVersion: '1.2.3' });
  });

  test('takes CONSILIUM_SERVER_URL and drops trailing slashes', () => {
    const config = loadDesktopConfig({ CONSILIUM_SERVER_URL: 'https://consilium.hospital.example/' }, '0.1.0');
    expect(config.serverUrl).toBe('https://consilium.hospital.example');
  });

  test.each(['ftp://consilium.example', 'file:///etc/passwd', 'javascript:alert(1)', 'consilium.example', ''])(
    'refuses %j with a message naming the variable',
    (value) => {
      const load = () => loadDesktopConfig({ CONSILIUM_SERVER_URL: value }, '0.1.0');
      expect(load).toThrow(DesktopConfigError);
      expect(load).toThrow(/CONSILIUM_SERVER_URL must be an http:\/\/ or https:\/\/ URL/);
    },
  );
});
