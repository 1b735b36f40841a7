// Starts a server script as its own process (by default the real command line, server/main.ts),
// optionally with the fsync recorder preloaded, and tells when it listens and when it has ended.
// Like tests/fixtures/process.ts, but with control over node's own options.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const syncRecorderPath = fileURLToPath(new URL('./sync-recorder.ts', import.meta.url));

export interface ChildServer {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** The exit code, or the name of the signal that ended it. */
  readonly exited: Promise<number | string>;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process ends first or `timeoutMs` passes. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGKILL, then wait for the exit. */
  kill(): Promise<number | string>;
}

export interface SpawnOptions {
  /** The script, relative to the repository (default server/main.ts). */
  readonly script?: string;
  readonly args?: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  /** Preload the fsync recorder, logging to this file. */
  readonly syncLog?: string;
}

export function spawnChildServer(options: SpawnOptions): ChildServer {
  const env: Record<string, string> = {};
  for (const name of ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'SystemRoot']) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, options.env);
  const preload = options.syncLog ? ['--import', syncRecorderPath] : [];
  if (options.syncLog) env.CRASH_HARNESS_SYNC_LOG = options.syncLog;
  const child = spawn(process.execPath, ['--import', 'tsx', ...preload, options.script ?? 'server/main.ts', ...(options.args ?? [])], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error('Could not start the server process');
  let out = '';
  let err = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    pid: child.pid,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForOutput: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(() => reject(new Error(`No ${pattern} from the server within ${timeoutMs} ms.\nstdout: ${out}\nstderr: ${err}`))), timeoutMs);
        const check = () => {
          const match = pattern.exec(out);
          if (match) finish(() => resolve(match));
        };
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          child.stdout?.off('data', check);
          settle();
        };
        child.stdout?.on('data', check);
        void exited.then((code) => finish(() => reject(new Error(`The server exited (${code}) before printing ${pattern}.\nstdout: ${out}\nstderr: ${err}`))));
        check();
      }),
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
