// Tests that the preload's bridge turns each call into one IPC invoke on the right channel.
import { describe, expect, test } from 'vitest';
import type { IpcChannel } from '../../../app/desktop/bridge.ts';
import { createBridge, type Invoke } from '../../../main/preload/bridge.ts';

function recordingBridge(answer: unknown) {
  const calls: { channel: IpcChannel; arg: unknown }[] = [];
  const invoke = (async (channel: IpcChannel, arg: unknown) => {
    calls.push({ channel, arg });
    return answer;
  }) as Invoke;
  return { bridge: createBridge(invoke), calls };
}

describe('createBridge', () => {
  test('config() invokes consilium:config and returns its answer', async () => {
    const config = { serverUrl: 'http://127.0.0.1:4500', appVersion: '0.1.0' };
    const { bridge, calls } = recordingBridge(config);
    await expect(bridge.config()).resolves.toEqual(config);
    expect(calls).toEqual([{ channel: 'consilium:config', arg: undefined }]);
  });

  test('session.keep(token) invokes consilium:session.keep with the token', async () => {
    const { bridge, calls } = recordingBridge(undefined);
    await bridge.session.keep('t'.repeat(43));
    expect(calls).toEqual([{ channel: 'consilium:session.keep', arg: { refreshToken: 't'.repeat(43) } }]);
  });

  test('session.refresh() invokes consilium:session.refresh and returns the outcome', async () => {
    const outcome = { ok: false, code: 'not_signed_in' };
    const { bridge, calls } = recordingBridge(outcome);
    await expect(bridge.session.refresh()).resolves.toEqual(outcome);
    expect(calls).toEqual([{ channel: 'consilium:session.refresh', arg: undefined }]);
  });

  test('session.forget() invokes consilium:session.forget', async () => {
    const { bridge, calls } = recordingBridge(undefined);
    await bridge.session.forget();
    expect(calls).toEqual([{ channel: 'consilium:session.forget', arg: undefined }]);
  });

  test('oidc.signIn() invokes consilium:oidc.signIn without arguments and returns the outcome', async () => {
    const outcome = { ok: false, code: 'cancelled' };
    const { bridge, calls } = recordingBridge(outcome);
    await expect(bridge.oidc.signIn()).resolves.toEqual(outcome);
    expect(calls).toEqual([{ channel: 'consilium:oidc.signIn', arg: undefined }]);
  });

  test('oidc.cancel() invokes consilium:oidc.cancel', async () => {
    const { bridge, calls } = recordingBridge(undefined);
    await bridge.oidc.cancel();
    expect(calls).toEqual([{ channel: 'consilium:oidc.cancel', arg: undefined }]);
  });

  test('pacs.fetch(request) invokes consilium:pacs.fetch with the request and returns the outcome', async () => {
    const outcome = { ok: false, code: 'network' };
    const { bridge, calls } = recordingBridge(outcome);
    const request = { url: 'https://pacs.example.org/dicom-web/studies', accept: 'application/dicom+json' };
    await expect(bridge.pacs.fetch(request)).resolves.toEqual(outcome);
    expect(calls).toEqual([{ channel: 'consilium:pacs.fetch', arg: request }]);
  });
});
