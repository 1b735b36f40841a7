// The one place that touches ipcMain: every invoke is checked for channel, sender and payload
// before its handler runs.
import { ipcChannels, type IpcChannel } from '../app/desktop/bridge.ts';
import type { IpcArgument, IpcResult } from './ipc-types.ts';
import { isAppUrl } from './security.ts';

/** The part of a frame the gate looks at (Electron's WebFrameMain). */
export interface IpcFrame {
  readonly url: string;
}

/** The part of an invoke event the gate looks at (Electron's IpcMainInvokeEvent). */
export interface IpcInvokeEvent {
  /** Null when the frame navigated away or was destroyed before the message was handled. */
  readonly senderFrame: IpcFrame | null;
  readonly sender: { readonly mainFrame: IpcFrame };
}

/** The part of Electron's ipcMain the gate uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
}

/** One handler per channel, receiving the validated argument. */
export type IpcHandlers = {
  readonly [C in IpcChannel]: (arg: IpcArgument<C>) => IpcResult<C> | Promise<IpcResult<C>>;
};

function isIpcChannel(channel: string): channel is IpcChannel {
  return Object.hasOwn(ipcChannels, channel);
}

/** Why the gate turned a message away; the message names no payload, which may hold a token. */
function refuse(reason: string): Error {
  return new Error(`IPC refused: ${reason}`);
}

function register<C extends IpcChannel>(ipcMain: IpcMainLike, channel: C, handler: IpcHandlers[C]): void {
  const schema = ipcChannels[channel];
  ipcMain.handle(channel, async (event, ...args) => {
    const frame = event.senderFrame;
    if (frame === null || frame !== event.sender.mainFrame) throw refuse('not the main frame');
    if (!isAppUrl(frame.url)) throw refuse('sender is not the app');
    if (args.length > 1) throw refuse('more than one argument');
    const parsed = schema.safeParse(args[0]);
    if (!parsed.success) throw refuse(`invalid argument on ${channel}`);
    // TypeScript cannot follow that the schema looked up by a generic channel yields that
    // channel's argument; the lookup by the same key is what guarantees it.
    return handler(parsed.data as IpcArgument<C>);
  });
}

/**
 * Registers one handler per IPC channel of the desktop bridge. Each handler runs only when the
 * message comes from the main frame of a page of the app (`app://consilium`) and its argument
 * passes the channel's schema; otherwise the invoke is rejected with "IPC refused: ...".
 * Throws, registering nothing, when the map names a channel that is not in `ipcChannels`.
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: IpcHandlers): void {
  // Checked before anything is registered, so a bad map leaves ipcMain untouched.
  for (const channel of Object.keys(handlers)) {
    if (!isIpcChannel(channel)) throw refuse(`unknown channel ${JSON.stringify(channel)}`);
  }
  for (const channel of Object.keys(ipcChannels).filter(isIpcChannel)) register(ipcMain, channel, handlers[channel]);
}
