// Builds the `window.consilium` API from an IPC invoke function; imports types only, so the
// sandboxed preload bundle stays tiny.
import type { DesktopBridge, IpcChannel } from '../../app/desktop/bridge.ts';
import type { IpcArgument, IpcResult } from '../ipc-types.ts';

/** Sends one message to main and resolves with its answer (ipcRenderer.invoke, typed). */
export type Invoke = <C extends IpcChannel>(channel: C, arg: IpcArgument<C>) => Promise<IpcResult<C>>;

/** The desktop bridge, each method one IPC call with at most one argument. */
export function createBridge(invoke: Invoke): DesktopBridge {
  return {
    config: () => invoke('consilium:config', undefined),
    session: {
      keep: (refreshToken) => invoke('consilium:session.keep', { refreshToken }),
      refresh: () => invoke('consilium:session.refresh', undefined),
      forget: () => invoke('consilium:session.forget', undefined),
    },
    oidc: {
      signIn: () => invoke('consilium:oidc.signIn', undefined),
      cancel: () => invoke('consilium:oidc.cancel', undefined),
    },
    pacs: {
      fetch: (request) => invoke('consilium:pacs.fetch', request),
    },
  };
}
