// The crash-torture harness (bench/crash-harness.ts), short: ten SIGKILLs of the real server process
// under concurrent journaled writes, some mid-snapshot or just after one, some followed by a
// simulated power loss (what no fsync covered is dropped or torn). After every kill the data
// directory is recovered offline and every write a client saw acknowledged must be there.
import { expect, test } from 'vitest';
import { runCrashHarness } from '../../bench/crash/harness.ts';

test('no acknowledged write is lost across 10 crashes, and every recovered database is sound', async () => {
  const lines: string[] = [];
  const report = await runCrashHarness({
    kills: 10,
    clients: 8,
    usersPerClient: 3,
    seed: 7,
    snapshotEvery: 3,
    powerLossEvery: 2,
    killDelayMs: [50, 500],
    log: (line) => lines.push(line),
  });
  const story = `\n${lines.join('\n')}${report.keptDir ? `\n(kept: ${report.keptDir})` : ''}`;

  expect(report.failures, story).toEqual([]);
  expect(report.lost, story).toBe(0);
  expect(report.rounds, story).toHaveLength(10);
  expect(report.ok, story).toBe(true);
  // Not vacuous: writes were acknowledged and checked, and recovery covered snapshot plus journal
  // and a power loss.
  expect(report.acked, story).toBeGreaterThanOrEqual(50);
  expect(report.rounds.at(-1)?.checked, story).toBe(report.acked);
  expect(report.rounds.some((r) => r.snapshotLoaded !== undefined && r.replayedRecords > 0), story).toBe(true);
  expect(report.rounds.some((r) => r.powerLoss !== undefined && r.powerLoss.bytesLost > 0), story).toBe(true);
}, 120_000);
