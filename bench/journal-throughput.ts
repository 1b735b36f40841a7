// What journaling costs writes: refresh-token rotations per second (`identity.refresh`: one
// transaction of three writes) through the real tRPC HTTP path, against a durable server (every
// commit appended to the encrypted journal and fsynced before the answer, commits grouped per fsync)
// and an --ephemeral one (memory only, the baseline), at several concurrencies; each client rotates
// its own session's token in a loop.
//
// Each server is its own process (this file with --serve: startServer from the environment as the
// command line does, plus users created in its database), so the clients here do not share its
// event loop; on a 2-core machine they do share the CPU. The durable server also loads the crash
// harness's fsync recorder, which gives the records per fsync.
//
//   npx tsx bench/journal-throughput.ts [--seconds 3] [--rounds 3] [--concurrency 1,32]
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import argon2 from 'argon2';
import { loadConfig } from '../server/config.ts';
import { argon2Hasher, type PasswordHasher } from '../server/identity/passwords.ts';
import { totpCode } from '../server/identity/totp.ts';
import { startServer } from '../server/server.ts';
import { buildUser } from '../tests/fixtures/factories.ts';
import { connect } from '../tests/fixtures/server.ts';
import { type ChildServer, spawnChildServer } from './crash/server-process.ts';

export interface ThroughputOptions {
  /** Measured seconds per window (after half a second of warm-up). */
  readonly seconds: number;
  /** Windows per server and concurrency, alternating which server goes first. */
  readonly rounds: number;
  readonly concurrencies: readonly number[];
}

type Mode = 'ephemeral' | 'durable';

interface BenchUser {
  username: string;
  password: string;
  secret: string;
}

/** User plus system CPU seconds of a process so far, from /proc (Linux; NaN elsewhere). */
async function processCpuSeconds(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (!stat) return Number.NaN;
  // Fields after the command name (which is in parentheses and may hold spaces): utime is the 12th, stime the 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Setup only: sign-in is not measured, so users get a cheap argon2id hash (the server verifies any argon2 hash). */
const cheapHasher: PasswordHasher = {
  hash: (password) => argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  verify: argon2Hasher.verify,
};

/** The child: a server, users in its database, then one line telling the parent where and who. */
async function serve(mode: Mode, userCount: number): Promise<void> {
  const config = loadConfig(process.env, mode === 'ephemeral' ? ['--ephemeral'] : []);
  const server = await startServer(config);
  const users: BenchUser[] = [];
  for (let i = 0; i < userCount; i++) {
    const user = await buildUser(server.db, { username: `bench.user${i}`, hasher: cheapHasher });
    users.push({ username: user.username, password: user.password, secret: user.totpSecret });
  }
  console.log(`BENCH-READY ${JSON.stringify({ url: server.url, users })}`);
  process.once('SIGTERM', () => {
    void server.close().then(() => process.exit(0));
  });
}

function countLines(text: string): number {
  return text.split('\n').filter(Boolean).length;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
}

interface Target {
  readonly mode: Mode;
  readonly pid: number;
  readonly sessions: Array<{ client: ReturnType<typeof connect>; token: string }>;
  fsyncsSoFar(): Promise<number>;
}

/** Starts a server process of `mode` with `count` users and signs each in. */
async function startTarget(mode: Mode, count: number, work: string, children: ChildServer[]): Promise<Target> {
  const syncLog = join(work, `${mode}-sync.log`);
  const env: Record<string, string> = { CONSILIUM_HOST: '127.0.0.1', CONSILIUM_PORT: '0', CONSILIUM_LOG_LEVEL: 'warn' };
  if (mode === 'durable') Object.assign(env, { CONSILIUM_DATA_DIR: join(work, 'data'), CONSILIUM_DATA_KEY: randomBytes(32).toString('base64') });
  const child = spawnChildServer({ script: 'bench/journal-throughput.ts', args: ['--serve', mode, String(count)], env, ...(mode === 'durable' ? { syncLog } : {}) });
  children.push(child);
  const [, json] = await child.waitForOutput(/BENCH-READY (.*)\n/, 120_000);
  const { url, users } = JSON.parse(json ?? '{}') as { url: string; users: BenchUser[] };
  const sessions = [];
  for (const user of users) {
    const client = connect(url);
    const pair = await client.api.identity.signIn.mutate({ username: user.username, password: user.password, code: totpCode(user.secret, new Date()) });
    sessions.push({ client, token: pair.refreshToken });
  }
  return {
    mode,
    pid: child.pid,
    sessions,
    fsyncsSoFar: async () => (mode === 'durable' ? countLines(await readFile(syncLog, 'utf8').catch(() => '')) : 0),
  };
}

interface Window {
  rotations: number;
  seconds: number;
  latencies: number[];
  fsyncs: number;
  serverCpu: number;
  clientCpu: number;
}

/** `concurrency` sessions of `target` rotate for a warm-up, then `seconds` measured. */
async function measureWindow(target: Target, concurrency: number, seconds: number): Promise<Window> {
  let stop = false;
  let measuring = false;
  let rotations = 0;
  const latencies: number[] = [];
  const loops = target.sessions.slice(0, concurrency).map(async (session) => {
    while (!stop) {
      const start = performance.now();
      const pair = await session.client.api.identity.refresh.mutate({ refreshToken: session.token });
      session.token = pair.refreshToken;
      if (measuring && !stop) {
        latencies.push(performance.now() - start);
        rotations += 1;
      }
    }
  });
  await sleep(500);
  const fsyncsBefore = await target.fsyncsSoFar();
  const serverCpuBefore = await processCpuSeconds(target.pid);
  const clientCpuBefore = ownCpuSeconds();
  measuring = true;
  const started = performance.now();
  await sleep(seconds * 1000);
  const counted = rotations;
  const elapsed = (performance.now() - started) / 1000;
  const serverCpu = (await processCpuSeconds(target.pid)) - serverCpuBefore;
  const clientCpu = ownCpuSeconds() - clientCpuBefore;
  stop = true;
  const fsyncs = (await target.fsyncsSoFar()) - fsyncsBefore;
  await Promise.all(loops);
  return { rotations: counted, seconds: elapsed, latencies, fsyncs, serverCpu, clientCpu };
}

function median(values: readonly number[]): number {
  return quantile([...values].sort((a, b) => a - b), 0.5);
}

interface Cell {
  perSecond: number;
  p50: number;
  p99: number;
  recordsPerFsync: number;
  fsyncsPerSecond: number;
  serverCpuMs: number;
  clientCpuMs: number;
}

function summarize(windows: readonly Window[]): Cell {
  const latencies = windows.flatMap((w) => w.latencies).sort((a, b) => a - b);
  const rotations = windows.reduce((n, w) => n + w.rotations, 0);
  const seconds = windows.reduce((n, w) => n + w.seconds, 0);
  const fsyncs = windows.reduce((n, w) => n + w.fsyncs, 0);
  return {
    perSecond: median(windows.map((w) => w.rotations / w.seconds)),
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    recordsPerFsync: fsyncs > 0 ? rotations / fsyncs : Number.NaN,
    fsyncsPerSecond: fsyncs / seconds,
    serverCpuMs: (windows.reduce((n, w) => n + w.serverCpu, 0) * 1000) / rotations,
    clientCpuMs: (windows.reduce((n, w) => n + w.clientCpu, 0) * 1000) / rotations,
  };
}

export async function benchJournalThroughput(options: ThroughputOptions): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'consilium-bench-journal-'));
  const children: ChildServer[] = [];
  try {
    const count = Math.max(...options.concurrencies);
    const ephemeral = await startTarget('ephemeral', count, work, children);
    const durable = await startTarget('durable', count, work, children);
    console.log(
      `\nidentity.refresh rotations/s over tRPC HTTP: durable (journal in ${tmpdir()}) vs --ephemeral. ` +
        `Per concurrency ${options.rounds} rounds of ${options.seconds} s windows, alternating which server goes first; medians, ratio range over rounds.`,
    );
    console.log(
      `${'clients'.padEnd(9)}${'ephemeral/s'.padStart(12)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}${'durable/s'.padStart(11)}${'p50 ms'.padStart(8)}${'p99 ms'.padStart(8)}` +
        `${'x ephemeral'.padStart(13)}${'(range)'.padStart(13)}${'fsyncs/s'.padStart(10)}${'records/fsync'.padStart(15)}`,
    );
    const cpuRows: string[] = [];
    for (const concurrency of options.concurrencies) {
      const windows: Record<Mode, Window[]> = { ephemeral: [], durable: [] };
      const ratios: number[] = [];
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 === 0 ? [ephemeral, durable] : [durable, ephemeral];
        const got: Partial<Record<Mode, Window>> = {};
        for (const target of order) got[target.mode] = await measureWindow(target, concurrency, options.seconds);
        for (const mode of ['ephemeral', 'durable'] as const) windows[mode].push(got[mode]!);
        ratios.push(got.durable!.rotations / got.durable!.seconds / (got.ephemeral!.rotations / got.ephemeral!.seconds));
      }
      const e = summarize(windows.ephemeral);
      const d = summarize(windows.durable);
      const range = `${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}`;
      console.log(
        `${String(concurrency).padEnd(9)}${e.perSecond.toFixed(0).padStart(12)}${e.p50.toFixed(2).padStart(8)}${e.p99.toFixed(2).padStart(8)}` +
          `${d.perSecond.toFixed(0).padStart(11)}${d.p50.toFixed(2).padStart(8)}${d.p99.toFixed(2).padStart(8)}` +
          `${`${(d.perSecond / e.perSecond).toFixed(2)}x`.padStart(13)}${range.padStart(13)}${d.fsyncsPerSecond.toFixed(0).padStart(10)}${d.recordsPerFsync.toFixed(2).padStart(15)}`,
      );
      cpuRows.push(
        `${String(concurrency).padEnd(9)}${e.serverCpuMs.toFixed(2).padStart(18)}${e.clientCpuMs.toFixed(2).padStart(9)}${d.serverCpuMs.toFixed(2).padStart(16)}${d.clientCpuMs.toFixed(2).padStart(9)}` +
          `${`${(d.serverCpuMs / e.serverCpuMs).toFixed(2)}x`.padStart(22)}`,
      );
    }
    console.log('(one rotation = one journal record of three statements; records/fsync = rotations / journal fsyncs, from the fsync recorder)');
    console.log('\nCPU ms per rotation, server process and this process (the clients): where the time goes');
    console.log(`${'clients'.padEnd(9)}${'ephemeral server'.padStart(18)}${'clients'.padStart(9)}${'durable server'.padStart(16)}${'clients'.padStart(9)}${'x ephemeral (server)'.padStart(22)}`);
    for (const row of cpuRows) console.log(row);
    for (const target of [ephemeral, durable]) await Promise.all(target.sessions.map((s) => s.client.close()));
  } finally {
    for (const child of children) await child.kill();
    await rm(work, { recursive: true, force: true });
  }
}

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
}

const entry = process.argv[1] ? pathToFileURL(process.argv[1]).href === import.meta.url : false;
if (entry && process.argv[2] === '--serve') {
  await serve(process.argv[3] === 'durable' ? 'durable' : 'ephemeral', Number(process.argv[4] ?? 32));
} else if (entry) {
  await benchJournalThroughput({
    seconds: Number(option('--seconds') ?? 3),
    rounds: Number(option('--rounds') ?? 3),
    concurrencies: (option('--concurrency') ?? '1,32').split(',').map(Number),
  });
}
