import type { DesktopBridge } from '../app/desktop/bridge.ts';

declare global {
  /** The client's version, from package.json at build time. */
  const __APP_VERSION__: string;
  interface Window {
    /** Present only in the desktop client: the preload bridge to the main process. */
    readonly consilium?: DesktopBridge;
  }
}

export {};
