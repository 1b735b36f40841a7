// Server settings, read once from the environment and command line and validated with zod.
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { DataKeyError, loadDataKey } from './db/durable/keys.ts';
import { type OidcConfig, oidcEnvironment, readOidcConfig } from './identity/oidc/config.ts';

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

const positiveSeconds = z.coerce.number().int().positive();

/** Digits only: z.coerce.number() would read an empty value as 0, i.e. "any free port". */
const port = z
  .string()
  .regex(/^\d+$/, 'must be a port number (0 to 65535)')
  .transform(Number)
  .pipe(z.number().int().max(65535));

const environment = z.object({
  CONSILIUM_HOST: z.string().min(1).default('127.0.0.1'),
  CONSILIUM_PORT: port.default(4500),
  CONSILIUM_TRAINING: booleanFlag.default(false),
  /** Secret for signing access tokens (base64, at least 32 bytes). Random per start when absent. */
  CONSILIUM_TOKEN_KEY: z
    .string()
    .refine((value) => Buffer.from(value, 'base64').length >= 32, 'must be base64 of at least 32 bytes')
    .optional(),
  CONSILIUM_ACCESS_TOKEN_SECONDS: positiveSeconds.default(300),
  CONSILIUM_SESSION_IDLE_SECONDS: positiveSeconds.default(30 * 60),
  CONSILIUM_SESSION_MAX_SECONDS: positiveSeconds.default(12 * 60 * 60),
  CONSILIUM_RENDERER_DIR: z.string().optional(),
  CONSILIUM_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Where the encrypted journal and snapshots live; required unless --ephemeral or --demo. */
  CONSILIUM_DATA_DIR: z.string().min(1).optional(),
  CONSILIUM_DATA_KEY: z.string().min(1).optional(),
  CONSILIUM_DATA_KEY_FILE: z.string().min(1).optional(),
  /** The separate key sealing patients' identifying data (32 bytes, base64), inline or in a file. */
  CONSILIUM_IDENTITY_KEY: z.string().min(1).optional(),
  CONSILIUM_IDENTITY_KEY_FILE: z.string().min(1).optional(),
  CONSILIUM_SNAPSHOT_SECONDS: positiveSeconds.default(3600),
  /** The workstation locks after this long without keyboard or pointer activity. */
  CONSILIUM_IDLE_LOCK_SECONDS: positiveSeconds.default(600),
  /** How often scheduled jobs (guest expiry, inactivity review) run. */
  CONSILIUM_JOBS_SECONDS: positiveSeconds.default(300),
  /** The largest file a patient's "Files" accept, in MiB (files are read whole to be previewed). */
  CONSILIUM_MAX_FILE_MB: z.coerce.number().int().positive().max(1024).default(100),
  /** The address browsers use to reach this server (behind a proxy); default: the address it listens on. */
  CONSILIUM_PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
  ...oidcEnvironment,
  /** DICOMweb: the largest DICOM instance a STOW-RS request may carry, in MiB. */
  CONSILIUM_DICOM_MAX_INSTANCE_MB: z.coerce.number().int().positive().max(2047).default(512),
  /** DICOMweb: the most one study may hold, in MiB, all its instances together. */
  CONSILIUM_DICOM_MAX_STUDY_MB: z.coerce.number().int().positive().default(4096),
  /**
   * The hospital's PACS DICOMweb roots the workstation may import from, comma-separated: offered in
   * "From PACS" and allowed by the pages' Content-Security-Policy (browsers reach nothing else).
   */
  CONSILIUM_PACS_URLS: z
    .string()
    .default('')
    .transform((value) => value.split(',').map((url) => url.trim()).filter((url) => url !== ''))
    .pipe(z.array(z.url({ protocol: /^https?$/, error: 'must be http:// or https:// URLs, comma-separated' }).transform((url) => url.replace(/\/+$/, '')))),
});

export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  /** Memory only: no data directory. The only storage mode until the durable journal lands. */
  readonly ephemeral: boolean;
  /** Training mode: synthetic data only, clearly marked; demo accounts may be shown at sign-in. */
  readonly training: boolean;
  /** Seed the demo hospitals' accounts (implies training). */
  readonly demo: boolean;
  readonly tokenKey: Uint8Array | undefined;
  readonly accessTokenSeconds: number;
  readonly sessionIdleSeconds: number;
  readonly sessionMaxSeconds: number;
  /** The built renderer to serve to browsers, if any. */
  readonly rendererDir: string | undefined;
  readonly logLevel: z.infer<typeof environment>['CONSILIUM_LOG_LEVEL'];
  /** Durable storage: the data directory and the operator's data key (absent when ephemeral). */
  readonly storage: { readonly dir: string; readonly dataKey: Buffer } | undefined;
  /**
   * The key sealing patients' identifying data, kept apart from the data key so that the database
   * alone reveals no names. Absent: derived from the data key (durable) or random (ephemeral).
   */
  readonly identityKey: Buffer | undefined;
  readonly snapshotSeconds: number;
  readonly jobsSeconds: number;
  readonly idleLockSeconds: number;
  /** The largest file a patient's "Files" accept, in bytes. */
  readonly maxFileBytes: number;
  /** Where browsers reach the server, without trailing slash; undefined: the address it listens on. */
  readonly publicUrl: string | undefined;
  /** Sign-in through an OpenID Connect provider; undefined when not configured. */
  readonly oidc: OidcConfig | undefined;
  /** DICOMweb limits, in bytes. */
  readonly dicom: { readonly maxInstanceBytes: number; readonly maxStudyBytes: number };
  /** PACS DICOMweb roots the workstation may import from (their origins are allowed by the CSP). */
  readonly pacsUrls: readonly string[];
}

export class ConfigError extends Error {}

const mebibyte = 1024 * 1024;

const defaultRendererDir = fileURLToPath(new URL('../out/renderer', import.meta.url));

/** Reads the configuration; throws ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv, argv: readonly string[] = []): ServerConfig {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const known = new Set(['--ephemeral', '--demo']);
  const unknown = argv.filter((arg) => !known.has(arg));
  if (unknown.length > 0) throw new ConfigError(`Unknown option ${unknown.join(', ')}. Options: --ephemeral, --demo`);
  const e = parsed.data;
  const oidc = readOidcConfig(e);
  if (oidc.problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${oidc.problems.join('\n  ')}`);
  const demo = argv.includes('--demo');
  const ephemeral = argv.includes('--ephemeral') || demo;
  return {
    host: e.CONSILIUM_HOST,
    port: e.CONSILIUM_PORT,
    ephemeral,
    training: e.CONSILIUM_TRAINING || demo,
    demo,
    tokenKey: e.CONSILIUM_TOKEN_KEY ? new Uint8Array(Buffer.from(e.CONSILIUM_TOKEN_KEY, 'base64')) : undefined,
    accessTokenSeconds: e.CONSILIUM_ACCESS_TOKEN_SECONDS,
    sessionIdleSeconds: e.CONSILIUM_SESSION_IDLE_SECONDS,
    sessionMaxSeconds: e.CONSILIUM_SESSION_MAX_SECONDS,
    rendererDir: e.CONSILIUM_RENDERER_DIR ?? (existsSync(defaultRendererDir) ? defaultRendererDir : undefined),
    logLevel: e.CONSILIUM_LOG_LEVEL,
    storage: ephemeral ? undefined : storageConfig(e),
    identityKey: identityKeyConfig(e),
    snapshotSeconds: e.CONSILIUM_SNAPSHOT_SECONDS,
    jobsSeconds: e.CONSILIUM_JOBS_SECONDS,
    idleLockSeconds: e.CONSILIUM_IDLE_LOCK_SECONDS,
    maxFileBytes: e.CONSILIUM_MAX_FILE_MB * 1024 * 1024,
    publicUrl: e.CONSILIUM_PUBLIC_URL?.replace(/\/+$/, ''),
    oidc: oidc.config,
    dicom: { maxInstanceBytes: e.CONSILIUM_DICOM_MAX_INSTANCE_MB * mebibyte, maxStudyBytes: e.CONSILIUM_DICOM_MAX_STUDY_MB * mebibyte },
    pacsUrls: e.CONSILIUM_PACS_URLS,
  };
}

function storageConfig(e: z.infer<typeof environment>): ServerConfig['storage'] {
  if (!e.CONSILIUM_DATA_DIR) {
    throw new ConfigError(
      'No storage: set CONSILIUM_DATA_DIR (with CONSILIUM_DATA_KEY or CONSILIUM_DATA_KEY_FILE) to keep data, ' +
        'or start with --ephemeral (memory only: everything is lost when the server stops) or --demo (ephemeral, with training data).',
    );
  }
  const dir = resolve(e.CONSILIUM_DATA_DIR);
  if (e.CONSILIUM_DATA_KEY_FILE && !relative(dir, resolve(e.CONSILIUM_DATA_KEY_FILE)).startsWith('..')) {
    throw new ConfigError('CONSILIUM_DATA_KEY_FILE must not be inside CONSILIUM_DATA_DIR: a key stored next to the data protects nothing.');
  }
  try {
    const dataKey = loadDataKey(e.CONSILIUM_DATA_KEY, e.CONSILIUM_DATA_KEY_FILE, 'CONSILIUM_DATA_KEY');
    if (!dataKey) throw new ConfigError('CONSILIUM_DATA_DIR needs a data key: set CONSILIUM_DATA_KEY or CONSILIUM_DATA_KEY_FILE (32 random bytes, base64).');
    return { dir, dataKey };
  } catch (error) {
    if (error instanceof DataKeyError) throw new ConfigError(error.message);
    throw error;
  }
}

function identityKeyConfig(e: z.infer<typeof environment>): Buffer | undefined {
  try {
    return loadDataKey(e.CONSILIUM_IDENTITY_KEY, e.CONSILIUM_IDENTITY_KEY_FILE, 'CONSILIUM_IDENTITY_KEY');
  } catch (error) {
    if (error instanceof DataKeyError) throw new ConfigError(error.message);
    throw error;
  }
}
