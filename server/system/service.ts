// Facts about the running server that every client may know before signing in.
import packageJson from '../../package.json' with { type: 'json' };
import type { Clock } from '../clock.ts';
import type { ServerConfig } from '../config.ts';

export const serverVersion: string = packageJson.version;

export interface SystemInfo {
  version: string;
  training: boolean;
  serverTime: string;
  /** Sign-in through an OpenID Connect provider, when configured: the name its button shows. */
  oidc: { name: string } | null;
  /** The workstation locks after this many seconds without activity. */
  idleLockSeconds: number;
  /** Imaging imports: the largest instance and study the server stores, in bytes. */
  dicom: { maxInstanceBytes: number; maxStudyBytes: number };
  /** The hospital's PACS DICOMweb roots offered for "From PACS". */
  pacsUrls: string[];
}

export class SystemService {
  readonly #config: ServerConfig;
  readonly #clock: Clock;

  constructor(config: ServerConfig, clock: Clock) {
    this.#config = config;
    this.#clock = clock;
  }

  info(): SystemInfo {
    const { oidc } = this.#config;
    return {
      version: serverVersion,
      training: this.#config.training,
      serverTime: this.#clock.now().toISOString(),
      oidc: oidc ? { name: oidc.name } : null,
      idleLockSeconds: this.#config.idleLockSeconds,
      dicom: { ...this.#config.dicom },
      pacsUrls: [...this.#config.pacsUrls],
    };
  }
}
