// Types of the IPC channels shared by the gate in main and the bridge in the preload (types only).
import type { z } from 'zod';
import type { DesktopConfig, IpcChannel, PacsFetchOutcome, ProviderSignInOutcome, RefreshOutcome, ipcChannels } from '../app/desktop/bridge.ts';

/** The argument a channel carries, after validation with its schema. */
export type IpcArgument<C extends IpcChannel> = z.output<(typeof ipcChannels)[C]>;

/** What main answers on each channel. */
export interface IpcResults {
  'consilium:config': DesktopConfig;
  'consilium:session.keep': void;
  'consilium:session.refresh': RefreshOutcome;
  'consilium:session.forget': void;
  'consilium:oidc.signIn': ProviderSignInOutcome;
  'consilium:oidc.cancel': void;
  'consilium:pacs.fetch': PacsFetchOutcome;
}

export type IpcResult<C extends IpcChannel> = IpcResults[C];
