// Facts about the running server that every client may know before signing in.
import packageJson from '../../package.json' with { type: 'json' };
import type { Clock } from '../clock.ts';
import type { ServerConfig } from '../config.ts';

export const serverVersion: string = packageJson.version;

export interface SystemInfo {
  version: string;
  training: boolean;
  serverTime: string;
}

export class SystemService {
  readonly #config: ServerConfig;
  readonly #clock: Clock;

  constructor(config: ServerConfig, clock: Clock) {
    this.#config = config;
    this.#clock = clock;
  }

  info(): SystemInfo {
    return { version: serverVersion, training: this.#config.training, serverTime: this.#clock.now().toISOString() };
  }
}
