// Starts a server script for the crash harness and the benchmarks: the tests' child-process helper,
// optionally with the fsync recorder preloaded (it logs what each journal fsync covered).
import { fileURLToPath } from 'node:url';
import { spawnServer, type ServerProcess } from '../../tests/fixtures/process.ts';

const syncRecorderPath = fileURLToPath(new URL('./sync-recorder.ts', import.meta.url));

export type ChildServer = ServerProcess;

export interface SpawnOptions {
  /** The script, relative to the repository (default server/main.ts). */
  readonly script?: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Preload the fsync recorder, logging to this file. */
  readonly syncLog?: string;
}

export function spawnChildServer(options: SpawnOptions): ChildServer {
  const env = options.syncLog ? { ...options.env, CRASH_HARNESS_SYNC_LOG: options.syncLog } : options.env;
  return spawnServer(options.args ?? [], env, {
    ...(options.script ? { script: options.script } : {}),
    ...(options.syncLog ? { preload: [syncRecorderPath] } : {}),
  });
}
