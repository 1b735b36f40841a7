// Tests the IPC gate with a fake ipcMain: who may call, with what, and on which channels.
import { describe, expect, test } from 'vitest';
import type { IpcChannel } from '../../../app/desktop/bridge.ts';
import {
  registerIpcHandlers,
  type IpcFrame,
  type IpcHandlers,
  type IpcInvokeEvent,
  type IpcMainLike,
} from '../../../main/ipc-gate.ts';

type Listener = Parameters<IpcMainLike['handle']>[1];

/** Stands in for ipcMain: keeps the listeners and, like Electron, rejects channels without one. */
class FakeIpcMain implements IpcMainLike {
  readonly listeners = new Map<string, Listener>();

  handle(channel: string, listener: Listener): void {
    if (this.listeners.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.listeners.set(channel, listener);
  }

  async invoke(channel: string, event: IpcInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const listener = this.listeners.get(channel);
    if (!listener) throw new Error(`No handler registered for '${channel}'`);
    return listener(event, ...args);
  }
}

const token = 'A'.repeat(43);
const config = { serverUrl: 'http://127.0.0.1:4500', appVersion: '0.1.0' };

function setup() {
  const calls: { channel: IpcChannel; arg: unknown }[] = [];
  const handlers: IpcHandlers = {
    'consilium:config': (arg) => {
      calls.push({ channel: 'consilium:config', arg });
      return config;
    },
    'consilium:session.keep': async (arg) => {
      calls.push({ channel: 'consilium:session.keep', arg });
    },
    'consilium:session.refresh': async (arg) => {
      calls.push({ channel: 'consilium:session.refresh', arg });
      return { ok: false, code: 'not_signed_in' };
    },
    'consilium:session.forget': async (arg) => {
      calls.push({ channel: 'consilium:session.forget', arg });
    },
    'consilium:oidc.signIn': async (arg) => {
      calls.push({ channel: 'consilium:oidc.signIn', arg });
      return { ok: false, code: 'cancelled' };
    },
    'consilium:oidc.cancel': (arg) => {
      calls.push({ channel: 'consilium:oidc.cancel', arg });
    },
    'consilium:pacs.fetch': (arg) => {
      calls.push({ channel: 'consilium:pacs.fetch', arg });
      return { ok: false, code: 'network' };
    },
  };
  const ipcMain = new FakeIpcMain();
  registerIpcHandlers(ipcMain, handlers);
  return { ipcMain, calls };
}

function eventFrom(url: string, options: { subframe?: boolean; detached?: boolean } = {}): IpcInvokeEvent {
  const mainFrame: IpcFrame = { url };
  const subframe: IpcFrame = { url };
  const senderFrame = options.detached ? null : options.subframe ? subframe : mainFrame;
  return { senderFrame, sender: { mainFrame } };
}

const appPage = 'app://consilium/index.html#/patients';

describe('registerIpcHandlers', () => {
  test('registers exactly the bridge channels', () => {
    const { ipcMain } = setup();
    expect([...ipcMain.listeners.keys()].sort()).toEqual([
      'consilium:config',
      'consilium:oidc.cancel',
      'consilium:oidc.signIn',
      'consilium:pacs.fetch',
      'consilium:session.forget',
      'consilium:session.keep',
      'consilium:session.refresh',
    ]);
  });

  test('runs the handler for a valid call from the app main frame', async () => {
    const { ipcMain, calls } = setup();
    await expect(ipcMain.invoke('consilium:config', eventFrom(appPage), undefined)).resolves.toEqual(config);
    await expect(ipcMain.invoke('consilium:session.keep', eventFrom(appPage), { refreshToken: token })).resolves.toBeUndefined();
    expect(calls).toEqual([
      { channel: 'consilium:config', arg: undefined },
      { channel: 'consilium:session.keep', arg: { refreshToken: token } },
    ]);
  });

  test('passes the parsed argument, without unknown keys', async () => {
    const { ipcMain, calls } = setup();
    await ipcMain.invoke('consilium:session.keep', eventFrom(appPage), { refreshToken: token, admin: true });
    expect(calls).toEqual([{ channel: 'consilium:session.keep', arg: { refreshToken: token } }]);
  });

  test.each([
    ['a subframe', eventFrom(appPage, { subframe: true }), 'IPC refused: not the main frame'],
    ['a frame that is gone', eventFrom(appPage, { detached: true }), 'IPC refused: not the main frame'],
    ['a foreign origin', eventFrom('https://evil.example/'), 'IPC refused: sender is not the app'],
    ['a file page', eventFrom('file:///tmp/index.html'), 'IPC refused: sender is not the app'],
    ['another app host', eventFrom('app://other/index.html'), 'IPC refused: sender is not the app'],
  ])('refuses %s without running the handler', async (_name, event, message) => {
    const { ipcMain, calls } = setup();
    await expect(ipcMain.invoke('consilium:session.refresh', event, undefined)).rejects.toThrow(message);
    expect(calls).toEqual([]);
  });

  test.each([
    ['a missing token', 'consilium:session.keep', [{}]],
    ['a token that is no refresh token', 'consilium:session.keep', [{ refreshToken: 'short' }]],
    ['a string instead of an object', 'consilium:session.keep', [token]],
    ['an argument on an argument-less channel', 'consilium:session.forget', [{ everything: true }]],
    ['a URL for the provider sign-in to open', 'consilium:oidc.signIn', ['https://evil.example/']],
    ['two arguments', 'consilium:session.keep', [{ refreshToken: token }, 'extra']],
    ['a PACS fetch of a file URL', 'consilium:pacs.fetch', [{ url: 'file:///etc/passwd', accept: 'application/dicom+json' }]],
    ['a PACS fetch with credentials in the URL', 'consilium:pacs.fetch', [{ url: 'https://user:pw@pacs.example.org/dicom-web/studies', accept: 'application/dicom+json' }]],
    ['a PACS fetch with a header injected through Accept', 'consilium:pacs.fetch', [{ url: 'https://pacs.example.org/dicom-web/studies', accept: 'a\r\nCookie: x' }]],
  ])('refuses %s without running the handler', async (_name, channel, args) => {
    const { ipcMain, calls } = setup();
    await expect(ipcMain.invoke(channel, eventFrom(appPage), ...args)).rejects.toThrow(/^IPC refused: /);
    expect(calls).toEqual([]);
  });

  test('does not leak the payload into the refusal', async () => {
    const { ipcMain } = setup();
    const secretish = 'x'.repeat(42);
    await expect(ipcMain.invoke('consilium:session.keep', eventFrom(appPage), { refreshToken: secretish })).rejects.toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(secretish) }),
    );
  });

  test('refuses to register a channel that is not in ipcChannels', () => {
    const ipcMain = new FakeIpcMain();
    const handlers = { 'consilium:config': () => config, 'consilium:shell.exec': () => undefined };
    // Only a caller that defeats the types could try this; the gate must still say no.
    expect(() => registerIpcHandlers(ipcMain, handlers as unknown as IpcHandlers)).toThrow(
      'IPC refused: unknown channel "consilium:shell.exec"',
    );
    expect(ipcMain.listeners.size).toBe(0);
  });

  test('leaves unknown channels unanswered', async () => {
    const { ipcMain, calls } = setup();
    await expect(ipcMain.invoke('consilium:shell.exec', eventFrom(appPage), 'rm -rf /')).rejects.toThrow('No handler registered');
    expect(calls).toEqual([]);
  });
});
