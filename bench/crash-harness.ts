// Crash torture: `npx tsx bench/crash-harness.ts --kills 100`. Starts the real server command line on
// a temporary encrypted data directory, has concurrent clients rotate refresh tokens (each rotation a
// journaled transaction), SIGKILLs the server at random moments (some just after an on-demand
// snapshot, some followed by a simulated power loss), then opens the directory offline and checks
// that every acknowledged write survived and the database is sound. Exits 1 if anything failed.
//
// Options (defaults in bench/crash/harness.ts):
//   --kills N              rounds, each ending in a SIGKILL (100)
//   --clients N            concurrent clients, each with its own session (12)
//   --seed N               for the random delays and choices (1)
//   --users-per-client N   users to sign in with; one-time codes limit sign-ins per user (4)
//   --snapshot-every N     SIGUSR2 before the kill every Nth round, 0 never (3)
//   --power-loss-every N   simulated power loss after every Nth kill, 0 never (2)
//   --power-loss-modes L   comma-separated: drop, prefix, zeros (drop,prefix,zeros)
//   --kill-delay MIN-MAX   ms from the round's first acknowledged write to the kill (50-800); in
//                          a fifth of the rounds ("cold") from the clients' start instead
//   --keep                 keep the temporary directory (always kept after a failure)
//   --no-stop              go on after a failed round
import { type CrashOptions, defaultCrashOptions, runCrashHarness } from './crash/harness.ts';
import { type PowerLossMode, powerLossModes } from './crash/power-loss.ts';

function parseArgs(argv: readonly string[]): Partial<CrashOptions> {
  const options: { -readonly [K in keyof CrashOptions]?: CrashOptions[K] } = {};
  const number = (name: string, value: string | undefined): number => {
    const n = Number(value);
    if (value === undefined || !Number.isInteger(n) || n < 0) throw new Error(`${name} needs a whole number`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    switch (arg) {
      case '--kills':
        options.kills = number(arg, value());
        break;
      case '--clients':
        options.clients = number(arg, value());
        break;
      case '--seed':
        options.seed = number(arg, value());
        break;
      case '--users-per-client':
        options.usersPerClient = number(arg, value());
        break;
      case '--snapshot-every':
        options.snapshotEvery = number(arg, value());
        break;
      case '--power-loss-every':
        options.powerLossEvery = number(arg, value());
        break;
      case '--power-loss-modes': {
        const modes = (value() ?? '').split(',').filter(Boolean);
        const unknown = modes.filter((m) => !powerLossModes.includes(m as PowerLossMode));
        if (modes.length === 0 || unknown.length > 0) throw new Error(`--power-loss-modes takes some of ${powerLossModes.join(', ')}`);
        options.powerLossModes = modes as PowerLossMode[];
        break;
      }
      case '--kill-delay': {
        const match = /^(\d+)-(\d+)$/.exec(value() ?? '');
        if (!match || Number(match[1]) > Number(match[2])) throw new Error('--kill-delay takes MIN-MAX in ms, e.g. 50-800');
        options.killDelayMs = [Number(match[1]), Number(match[2])];
        break;
      }
      case '--keep':
        options.keep = true;
        break;
      case '--no-stop':
        options.stopOnFailure = false;
        break;
      default:
        throw new Error(`Unknown option ${arg}`);
    }
  }
  return options;
}

function spread(values: readonly number[]): string {
  if (values.length === 0) return 'n/a';
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return `min ${at(0).toFixed(0)}, median ${at(0.5).toFixed(0)}, max ${at(1).toFixed(0)} ms`;
}

let options: Partial<CrashOptions>;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(`crash-harness: ${(error as Error).message}`);
  process.exit(2);
}
const shown = { ...defaultCrashOptions, ...options };
console.log(
  `Consilium crash harness — Node ${process.version}; ${shown.kills} kills, ${shown.clients} clients, seed ${shown.seed}, ` +
    `snapshot every ${shown.snapshotEvery || '-'}, power loss every ${shown.powerLossEvery || '-'} (${shown.powerLossModes.join(', ')}), kill after ${shown.killDelayMs.join('-')} ms`,
);
const started = performance.now();
const report = await runCrashHarness({ ...options, log: (line) => console.log(line) });
const { rounds } = report;

console.log('\nTotals');
console.log(`  kills survived            ${rounds.length} of ${shown.kills}`);
console.log(`  acknowledged writes       ${report.acked} (${rounds.reduce((n, r) => n + r.signIns, 0)} sign-ins, the rest rotations), all checked after every kill`);
console.log(`  lost acknowledged writes  ${report.lost}`);
console.log(`  in-flight writes found committed after the kill (allowed) ${rounds.reduce((n, r) => n + r.inFlightCommitted, 0)}`);
console.log(`  snapshots requested       ${rounds.filter((r) => r.snapshotRequestedAtMs !== undefined).length}; recoveries from a snapshot ${rounds.filter((r) => r.snapshotLoaded).length}`);
console.log(`  power losses simulated    ${rounds.filter((r) => r.powerLoss).length} (${rounds.reduce((n, r) => n + (r.powerLoss?.bytesLost ?? 0), 0)} unsynced bytes lost)`);
console.log(`  torn tails seen           ${report.tornTails}`);
console.log(`  recovery (offline open)   ${spread(rounds.map((r) => r.recoveryMs))}`);
console.log(`  server start to listening ${spread(rounds.map((r) => r.startMs))}`);
console.log(`  wall time                 ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (report.keptDir) console.log(`  kept                      ${report.keptDir} (data key in data.key there)`);
if (report.failures.length > 0) {
  console.log(`\nFAILED (${report.failures.length}):`);
  for (const failure of report.failures) console.log(`  ${failure}`);
}
console.log(report.ok ? '\nOK: no acknowledged write was lost and every check passed.' : '\nNOT OK');
process.exit(report.ok ? 0 : 1);
