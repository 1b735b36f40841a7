// The crash-torture harness's core: rounds of start server, hammer it with writes, SIGKILL it (now
// and then just after an on-demand snapshot, now and then followed by a simulated power loss), then
// verify the data directory offline before the next start. See bench/crash-harness.ts for the CLI.
//
// The one ambiguity: the request in flight at the kill may or may not have committed. The client
// never saw an answer, so either outcome is allowed. After each kill the recovered database says
// which it was: if the client's last acknowledged token is still unused, nothing committed and the
// client goes on with it; if it is used, the rotation committed and its new token, which only the
// lost response carried, is unknown, so the client signs in afresh next round (presenting the used
// token would, rightly, revoke the session as a replay).
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { openDatabase } from '../../server/db/database.ts';
import { deriveKeys } from '../../server/db/durable/keys.ts';
import { hashRefreshToken } from '../../server/identity/tokens.ts';
import { seedReferenceData } from '../../server/reference/seed.ts';
import { freePort } from '../../tests/fixtures/process.ts';
import { type ClientState, connect, createUsers, pickUser, type PoolUser, refreshLoop, signIn } from './clients.ts';
import { listJournalFiles, type PowerLossMode, type PowerLossResult, readSyncLog, simulatePowerLoss } from './power-loss.ts';
import { seededRandom } from './random.ts';
import { type ChildServer, spawnChildServer } from './server-process.ts';
import { type AckedWrite, verifyDataDirectory } from './verify.ts';

export interface CrashOptions {
  /** Rounds, each ending in a SIGKILL. */
  readonly kills: number;
  /** Concurrent clients, each with its own session. */
  readonly clients: number;
  readonly seed: number;
  /** Users per client to sign in with (a user's one-time code serves one sign-in per 30-s step). */
  readonly usersPerClient: number;
  /** Every Nth round sends SIGUSR2 (on-demand snapshot) before the kill; 0 never. */
  readonly snapshotEvery: number;
  /** Every Nth round follows the kill with a simulated power loss; 0 never (needs Linux /proc). */
  readonly powerLossEvery: number;
  readonly powerLossModes: readonly PowerLossMode[];
  /** The kill comes this long (ms, uniform in [min, max]) after the round's first acknowledged write. */
  readonly killDelayMs: readonly [number, number];
  /** The share of rounds whose kill delay counts from the clients' start instead (a cold server). */
  readonly coldKills: number;
  /** Where to make the temporary directory (default: the system's). */
  readonly workDir: string | undefined;
  /** Keep the temporary directory (it is always kept when a check failed). */
  readonly keep: boolean;
  readonly stopOnFailure: boolean;
  /** Progress lines (per round); default: none. */
  readonly log: (line: string) => void;
}

export const defaultCrashOptions: CrashOptions = {
  kills: 100,
  clients: 12,
  seed: 1,
  usersPerClient: 4,
  snapshotEvery: 3,
  powerLossEvery: 2,
  powerLossModes: ['drop', 'prefix', 'zeros'],
  killDelayMs: [50, 800],
  coldKills: 0.2,
  workDir: undefined,
  keep: false,
  stopOnFailure: true,
  log: () => {},
};

export interface RoundReport {
  readonly round: number;
  /** Spawn to "listening" (includes the server's own recovery, and node/tsx start-up). */
  readonly startMs: number;
  readonly killAfterMs: number;
  /** The kill delay counted from the clients' start rather than the first acknowledged write. */
  readonly cold: boolean;
  readonly snapshotRequestedAtMs: number | undefined;
  /** Killed within 30 ms of SIGUSR2 ("mid"), or once the snapshot was written ("after"). */
  readonly snapshotKind: 'mid' | 'after' | undefined;
  readonly powerLoss: PowerLossResult | undefined;
  readonly verifiedOn: 'data directory' | 'copy';
  readonly signIns: number;
  /** Clients left out of the round: no user had a fresh one-time-code step. */
  readonly idleClients: number;
  readonly ackedThisRound: number;
  /** Acknowledged writes checked (all so far) and of them, those lost. */
  readonly checked: number;
  readonly lost: number;
  /** In-flight rotations the recovered database shows committed (allowed: never acknowledged). */
  readonly inFlightCommitted: number;
  readonly recoveryMs: number;
  readonly snapshotLoaded: string | undefined;
  readonly replayedRecords: number;
  readonly lastSeq: bigint;
  readonly tornTail: string | undefined;
  readonly leftoverTempFiles: number;
  readonly failures: string[];
}

export interface CrashReport {
  readonly options: Omit<CrashOptions, 'log'>;
  readonly rounds: RoundReport[];
  readonly acked: number;
  readonly lost: number;
  readonly tornTails: number;
  readonly failures: string[];
  readonly ok: boolean;
  /** The temporary directory, if kept. */
  readonly keptDir: string | undefined;
}

const settleMs = 10_000;

/** Waits for `work`, but no longer than `ms`; then says what did not finish. */
async function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runCrashHarness(partial: Partial<CrashOptions> = {}): Promise<CrashReport> {
  const options: CrashOptions = { ...defaultCrashOptions, ...partial };
  const { log } = options;
  const random = seededRandom(options.seed);
  if (options.powerLossEvery > 0 && process.platform !== 'linux') throw new Error('The power-loss simulation needs Linux (/proc/self/fd); use --power-loss-every 0');

  const work = await mkdtemp(join(options.workDir ?? tmpdir(), 'consilium-crash-'));
  const dataDir = join(work, 'data');
  await mkdir(dataDir, { mode: 0o700 });
  const dataKey = randomBytes(32);
  const keys = deriveKeys(dataKey);
  // A throwaway key, kept beside (not inside) the data directory so a kept run can be inspected.
  await writeFile(join(work, 'data.key'), dataKey.toString('base64'), { mode: 0o600 });
  const acked: AckedWrite[] = [];
  const rounds: RoundReport[] = [];
  const failures: string[] = [];
  let server: ChildServer | undefined;

  try {
    // Users exist only if created in the database itself: do it offline, through the journal.
    const setupStart = performance.now();
    const setup = await openDatabase({ dir: dataDir, keys, now: () => new Date() });
    let pool: PoolUser[];
    try {
      await seedReferenceData(setup.prisma);
      pool = await createUsers(setup, options.clients * options.usersPerClient);
    } finally {
      await setup.close();
    }
    log(`setup: ${pool.length} users created offline in ${(performance.now() - setupStart).toFixed(0)} ms; data in ${dataDir}`);

    const clients: ClientState[] = Array.from({ length: options.clients }, (_, index) => ({ index, token: undefined, username: undefined }));
    let previousLastSeq = 0n;

    for (let round = 1; round <= options.kills; round++) {
      const roundFailures: string[] = [];
      const before = await listJournalFiles(dataDir);
      const syncLog = join(work, `sync-${round}.log`);
      const port = await freePort();
      const startedAt = performance.now();
      server = spawnChildServer({
        env: {
          CONSILIUM_HOST: '127.0.0.1',
          CONSILIUM_PORT: String(port),
          CONSILIUM_DATA_DIR: dataDir,
          CONSILIUM_DATA_KEY: dataKey.toString('base64'),
          CONSILIUM_LOG_LEVEL: 'warn',
          CONSILIUM_ACCESS_TOKEN_SECONDS: String(24 * 3600),
          CONSILIUM_SESSION_IDLE_SECONDS: String(30 * 24 * 3600),
          CONSILIUM_SESSION_MAX_SECONDS: String(30 * 24 * 3600),
        },
        syncLog,
      });
      try {
        await server.waitForOutput(/listening on/);
      } catch (error) {
        failures.push(`round ${round}: the server did not start: ${(error as Error).message}`);
        await server.kill();
        break;
      }
      const startMs = performance.now() - startedAt;
      const baseUrl = `http://127.0.0.1:${port}`;

      // Sessions: keep each client's across rounds; sign in only where the last one cannot go on.
      const apis = clients.map(() => connect(baseUrl));
      let signIns = 0;
      let idleClients = 0;
      for (const client of clients) {
        if (client.token) continue;
        const choice = pickUser(pool, client.index * options.usersPerClient + round, new Date());
        if (!choice) {
          idleClients += 1;
          continue;
        }
        try {
          const token = await signIn(apis[client.index]!.api, choice.user, choice.step);
          acked.push({ kind: 'signIn', round, client: client.index, newHash: hashRefreshToken(token) });
          client.token = token;
          client.username = choice.user.username;
          signIns += 1;
        } catch (error) {
          roundFailures.push(`client ${client.index}: sign-in as ${choice.user.username} failed: ${(error as Error).message}`);
        }
      }

      // Load, then the kill. The delay runs from the round's first acknowledged write (a fresh
      // server is slow for its first few hundred ms), except in "cold" rounds, from the start.
      let killed = false;
      const ackedBefore = acked.length;
      let firstAck!: () => void;
      const firstAcked = new Promise<void>((resolve) => (firstAck = resolve));
      const record = (write: AckedWrite) => {
        acked.push(write);
        firstAck();
      };
      const loops = clients.filter((c) => c.token).map((c) => refreshLoop(c, apis[c.index]!.api, round, record, () => killed));
      const cold = random.next() < options.coldKills;
      if (!cold) await Promise.race([firstAcked, sleep(5000)]);
      let killAfterMs = random.int(options.killDelayMs[0], options.killDelayMs[1]);
      let snapshotRequestedAtMs: number | undefined;
      let snapshotKind: RoundReport['snapshotKind'];
      if (options.snapshotEvery > 0 && round % options.snapshotEvery === 0) {
        // Alternately: kill within 30 ms of the request (mostly mid-snapshot), or once the snapshot
        // file is there and the journal has moved on (recovery from snapshot plus journal).
        snapshotRequestedAtMs = random.int(0, killAfterMs);
        snapshotKind = (round / options.snapshotEvery) % 2 === 1 ? 'mid' : 'after';
        await sleep(snapshotRequestedAtMs);
        const snapshotsBefore = new Set((await readdir(dataDir)).filter((name) => name.endsWith('.db.enc')));
        process.kill(server.pid, 'SIGUSR2');
        if (snapshotKind === 'mid') {
          killAfterMs = snapshotRequestedAtMs + random.int(0, 30);
          await sleep(killAfterMs - snapshotRequestedAtMs);
        } else {
          const requested = performance.now();
          while (!(await readdir(dataDir)).some((name) => name.endsWith('.db.enc') && !snapshotsBefore.has(name))) {
            if (performance.now() - requested > 10_000) {
              roundFailures.push('SIGUSR2 wrote no snapshot within 10 s');
              break;
            }
            await sleep(2);
          }
          const extra = random.int(20, 300);
          killAfterMs = snapshotRequestedAtMs + Math.round(performance.now() - requested) + extra;
          await sleep(extra);
        }
      } else {
        await sleep(killAfterMs);
      }
      if (server.child.exitCode !== null || server.child.signalCode !== null) {
        roundFailures.push(`the server ended by itself before the kill (${await server.exited}): ${server.stderr().slice(-2000)}`);
      }
      killed = true;
      const exit = await server.kill();
      if (exit !== 'SIGKILL' && roundFailures.length === 0) roundFailures.push(`the server ended with ${exit}, not by the SIGKILL`);
      // Anything on stderr but node's own warnings is a failure (errors are logged there).
      const stderr = server
        .stderr()
        .split('\n')
        .filter((line) => line.trim() && !/^\(node:\d+\) \w*Warning|^\(Use `node --trace-/.test(line))
        .join('\n');
      if (stderr) roundFailures.push(`the server wrote to stderr: ${stderr.slice(-2000)}`);
      server = undefined;
      try {
        for (const result of await within(Promise.all(loops), settleMs, 'the clients')) if (result.unexpected) roundFailures.push(result.unexpected);
      } catch (error) {
        roundFailures.push((error as Error).message);
      }
      await Promise.all(apis.map((a) => a.close()));

      // A power loss now and then: what no fsync covered may be gone or torn.
      let powerLoss: PowerLossResult | undefined;
      if (options.powerLossEvery > 0 && round % options.powerLossEvery === 0) {
        powerLoss = await simulatePowerLoss(dataDir, before, readSyncLog(syncLog), random.pick(options.powerLossModes), random);
      }

      // Offline: recover (in the data directory itself, or in a copy so the next server start
      // recovers the raw crash state itself), check, decide how each client goes on.
      const onCopy = random.next() < 0.5;
      const verifyDir = onCopy ? join(work, `copy-${round}`) : dataDir;
      if (onCopy) await cp(dataDir, verifyDir, { recursive: true });
      let verification;
      try {
        verification = await verifyDataDirectory(verifyDir, keys, acked, pool.length);
      } catch (error) {
        roundFailures.push(`recovery failed: ${(error as Error).message}`);
        failures.push(...roundFailures.map((f) => `round ${round}: ${f}`));
        log(`round ${round}: RECOVERY FAILED: ${(error as Error).message}${powerLoss ? ` (after power loss: ${powerLoss.mode}; ${powerLoss.changes.join('; ')})` : ''}`);
        break;
      } finally {
        if (onCopy && !options.keep) await rm(verifyDir, { recursive: true, force: true });
      }
      if (verification.lost.length > 0) {
        const first = verification.lost[0]!;
        roundFailures.push(`${verification.lost.length} acknowledged writes lost, e.g. a ${first.kind} acknowledged to client ${first.client} in round ${first.round}`);
      }
      roundFailures.push(...verification.failures);
      if (verification.recovery.lastSeq < previousLastSeq) {
        roundFailures.push(`the journal went back from record ${previousLastSeq} to ${verification.recovery.lastSeq}`);
      }
      previousLastSeq = verification.recovery.lastSeq;

      let inFlightCommitted = 0;
      for (const client of clients) {
        if (!client.token) continue;
        const row = verification.tokens.get(hashRefreshToken(client.token));
        if (!row || row.used) {
          if (row) inFlightCommitted += 1;
          client.token = undefined;
          client.username = undefined;
        }
      }
      for (const user of pool) user.lastStep = Math.max(user.lastStep, verification.totpLastStep.get(user.username) ?? 0);

      const { recovery } = verification;
      const report: RoundReport = {
        round,
        startMs,
        killAfterMs,
        cold,
        snapshotRequestedAtMs,
        snapshotKind,
        powerLoss,
        verifiedOn: onCopy ? 'copy' : 'data directory',
        signIns,
        idleClients,
        ackedThisRound: acked.length - ackedBefore + signIns,
        checked: verification.checked,
        lost: verification.lost.length,
        inFlightCommitted,
        recoveryMs: verification.recoveryMs,
        snapshotLoaded: recovery.snapshot,
        replayedRecords: recovery.replayedRecords,
        lastSeq: recovery.lastSeq,
        tornTail: recovery.tornTail ? `${recovery.tornTail.bytes} B (${recovery.tornTail.reason})` : undefined,
        leftoverTempFiles: verification.leftoverTempFiles,
        failures: roundFailures,
      };
      rounds.push(report);
      log(formatRound(report));
      failures.push(...roundFailures.map((f) => `round ${round}: ${f}`));
      if (roundFailures.length > 0 && options.stopOnFailure) break;
    }
  } finally {
    if (server) await server.kill();
  }

  const ok = failures.length === 0 && rounds.length === options.kills;
  const keep = options.keep || !ok;
  if (!keep) await rm(work, { recursive: true, force: true });
  const { log: _log, ...shown } = options;
  return {
    options: shown,
    rounds,
    acked: acked.length,
    lost: Math.max(0, ...rounds.map((r) => r.lost)),
    tornTails: rounds.filter((r) => r.tornTail).length,
    failures,
    ok,
    keptDir: keep ? work : undefined,
  };
}

function formatRound(r: RoundReport): string {
  const parts = [
    `round ${String(r.round).padStart(3)}`,
    `start ${r.startMs.toFixed(0).padStart(5)} ms`,
    `kill at ${String(r.killAfterMs).padStart(3)} ms${r.cold ? ' (cold)' : '       '}`,
    `acked +${String(r.ackedThisRound).padStart(4)} (checked ${r.checked}, lost ${r.lost})`,
    `in-flight committed ${r.inFlightCommitted}`,
    `sign-ins ${r.signIns}${r.idleClients ? `, idle ${r.idleClients}` : ''}`,
    `recovery ${r.recoveryMs.toFixed(0)} ms on ${r.verifiedOn}: ${r.snapshotLoaded ? `snapshot@${BigInt(r.snapshotLoaded.slice(9, 29))} + ` : ''}${r.replayedRecords} replayed, seq ${r.lastSeq}`,
  ];
  if (r.snapshotRequestedAtMs !== undefined) parts.push(`SIGUSR2 at ${r.snapshotRequestedAtMs} ms (kill ${r.snapshotKind === 'mid' ? 'mid-snapshot' : 'after it'})`);
  if (r.powerLoss) parts.push(`power loss (${r.powerLoss.mode}, ${r.powerLoss.bytesLost} B lost)`);
  if (r.tornTail) parts.push(`torn tail ${r.tornTail}`);
  if (r.leftoverTempFiles) parts.push(`${r.leftoverTempFiles} snapshot .tmp left`);
  if (r.failures.length) parts.push(`FAILED: ${r.failures.join(' | ')}`);
  return parts.join('  ');
}
