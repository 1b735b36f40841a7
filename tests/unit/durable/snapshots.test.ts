// Encrypted snapshots of the whole database, and which of them the retention policy keeps.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { WrongKeyError } from '../../../server/db/durable/journal.ts';
import {
  isSnapshotLeftover,
  listSnapshots,
  parseSnapshotFileName,
  pruneSnapshots,
  readSnapshot,
  type SnapshotInfo,
  snapshotFileName,
  snapshotsToKeep,
  writeSnapshot,
} from '../../../server/db/durable/snapshots.ts';
import { flipBit } from '../../fixtures/durable.ts';

const key = randomBytes(32);
const database = Buffer.concat([Buffer.from('SQLite format 3\0'), randomBytes(10_000), Buffer.from('Quetzalcoatl-Vandenbroucke')]);
const at = new Date('2030-03-04T09:00:10.000Z');
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'consilium-snapshots-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writing and reading a snapshot', () => {
  test('reads back the very bytes written', async () => {
    const info = await writeSnapshot(dir, key, 42n, at, database);
    expect(info).toEqual({ name: `snapshot-00000000000000000042-${at.getTime()}.db.enc`, seq: 42n, createdAt: at });
    expect(await readSnapshot(dir, info, key)).toEqual(database);
  });

  test('holds no plaintext, is readable by its owner only, and leaves no temporary file', async () => {
    const info = await writeSnapshot(dir, key, 1n, at, database);
    const file = await readFile(join(dir, info.name));
    expect(file.includes('Quetzalcoatl')).toBe(false);
    expect(file.includes('SQLite format')).toBe(false);
    expect((await stat(join(dir, info.name))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([info.name]);
  });

  test('two snapshots written at once under the same name do not mix their bytes', async () => {
    const other = randomBytes(database.length);
    const [first] = await Promise.all([writeSnapshot(dir, key, 7n, at, database), writeSnapshot(dir, key, 7n, at, other)]);
    const read = await readSnapshot(dir, first, key);
    expect(read?.equals(database) || read?.equals(other)).toBe(true);
    expect(await readdir(dir)).toEqual([first.name]);
  });

  test('another key: WrongKeyError naming the snapshot', async () => {
    const info = await writeSnapshot(dir, key, 3n, at, database);
    const read = readSnapshot(dir, info, randomBytes(32));
    await expect(read).rejects.toThrow(WrongKeyError);
    await expect(read).rejects.toThrow(`The data key does not open snapshot ${info.name}.`);
  });

  test.each<[string, (size: number) => number]>([
    ['its magic', () => 2],
    ['its sequence number', () => 8 + 7],
    ['its time', () => 16 + 7],
    ['its data', (size) => size - 100],
    ['its tag (the very last byte)', (size) => size - 1],
  ])('a flipped bit in %s: damaged (undefined), not a wrong key', async (_part, where) => {
    const info = await writeSnapshot(dir, key, 3n, at, database);
    const path = join(dir, info.name);
    await flipBit(path, where((await stat(path)).size));
    expect(await readSnapshot(dir, info, key)).toBeUndefined();
  });

  test('a flipped bit in its key check alone: the data still opens with the key, so it is read', async () => {
    const info = await writeSnapshot(dir, key, 3n, at, database);
    await flipBit(join(dir, info.name), 24 + 5);
    expect(await readSnapshot(dir, info, key)).toEqual(database);
  });

  test.each<[string, (file: Buffer) => Buffer]>([
    ['cut short', (file) => file.subarray(0, file.length - 1)],
    ['cut to its header', (file) => file.subarray(0, 30)],
    ['empty', () => Buffer.alloc(0)],
  ])('a snapshot file %s is damaged', async (_what, damage) => {
    const info = await writeSnapshot(dir, key, 3n, at, database);
    const path = join(dir, info.name);
    await writeFile(path, damage(await readFile(path)));
    expect(await readSnapshot(dir, info, key)).toBeUndefined();
  });

  test('a snapshot renamed to claim another sequence number is damaged', async () => {
    const info = await writeSnapshot(dir, key, 3n, at, database);
    const claimed = snapshotFileName(4n, at);
    await writeFile(join(dir, claimed), await readFile(join(dir, info.name)));
    expect(await readSnapshot(dir, { name: claimed, seq: 4n, createdAt: at }, key)).toBeUndefined();
  });
});

describe('snapshot files in a directory', () => {
  test('are listed newest (highest sequence number) first, ignoring other files', async () => {
    await writeSnapshot(dir, key, 5n, new Date('2030-01-01T00:00:00Z'), database);
    await writeSnapshot(dir, key, 12n, new Date('2030-01-02T00:00:00Z'), database);
    await writeSnapshot(dir, key, 12n, new Date('2030-01-03T00:00:00Z'), database);
    await writeFile(join(dir, 'journal-00000000000000000013.log'), '');
    await writeFile(join(dir, `${snapshotFileName(99n, at)}.1a2b3c.tmp`), '');
    expect((await listSnapshots(dir)).map((s) => [s.seq, s.createdAt.toISOString().slice(0, 10)])).toEqual([
      [12n, '2030-01-03'],
      [12n, '2030-01-02'],
      [5n, '2030-01-01'],
    ]);
  });

  test('names parse back, and a temporary file is recognised as a leftover', () => {
    const name = snapshotFileName(77n, at);
    expect(parseSnapshotFileName(name)).toEqual({ name, seq: 77n, createdAt: at });
    expect(parseSnapshotFileName(`${name}.tmp`)).toBeUndefined();
    expect(isSnapshotLeftover(`${name}.0123456789ab.tmp`)).toBe(true);
    expect(isSnapshotLeftover(name)).toBe(false);
    expect(isSnapshotLeftover('journal-00000000000000000001.log')).toBe(false);
  });
});

describe('retention: the newest 2, the newest of each day for 30 days, of each month for 6 months', () => {
  const hour = 3_600_000;
  const day = 24 * hour;
  let seq = 0n;
  const snapshot = (createdAt: Date): SnapshotInfo => {
    seq += 1n;
    return { name: snapshotFileName(seq, createdAt), seq, createdAt };
  };
  const iso = (s: SnapshotInfo) => s.createdAt.toISOString();

  test('90 days of nightly snapshots plus three more each day: exactly the expected ones survive', () => {
    const now = new Date('2030-06-15T12:00:00.000Z');
    const all: SnapshotInfo[] = [];
    // Oldest first, so that sequence numbers grow with time, as they do.
    for (let d = 89; d >= 0; d--) {
      const midnight = Date.UTC(2030, 5, 15) - d * day;
      for (const h of [1, 9, 13, 17]) if (midnight + h * hour <= now.getTime()) all.push(snapshot(new Date(midnight + h * hour)));
    }
    const kept = all.filter((s) => snapshotsToKeep(all, now).has(s.name)).map(iso);

    const expected = new Set<string>();
    // The newest two: today 09:00 and 01:00 (13:00 is in the future at 12:00).
    expected.add('2030-06-15T09:00:00.000Z').add('2030-06-15T01:00:00.000Z');
    // The last of each day within the last 30 days (today: 09:00; 30 days back: from 2030-05-16T12:00).
    for (let d = 1; d < 30; d++) expected.add(new Date(Date.UTC(2030, 5, 15) - d * day + 17 * hour).toISOString());
    // 2030-05-16 17:00 is within 30 days, 2030-05-15 17:00 is not.
    expected.add('2030-05-16T17:00:00.000Z');
    // The newest of each month, this one and the 5 before (the data begins 2030-03-18); June's and
    // May's are among the daily ones already.
    expected.add('2030-04-30T17:00:00.000Z').add('2030-03-31T17:00:00.000Z');

    expect(kept.sort()).toEqual([...expected].sort());
    expect(kept).toHaveLength(2 + 30 + 2);
  });

  test('a year of nightly snapshots: monthly ones go back 6 calendar months, no further', () => {
    const now = new Date('2030-12-20T03:00:00.000Z');
    const all: SnapshotInfo[] = [];
    for (let d = 365; d >= 0; d--) all.push(snapshot(new Date(Date.UTC(2030, 11, 20, 2) - d * day)));
    const keep = snapshotsToKeep(all, now);
    const monthly = all.filter((s) => keep.has(s.name) && now.getTime() - s.createdAt.getTime() >= 30 * day).map(iso);
    // November's newest (the 30th) is within the 30 days; December is this month.
    expect(monthly).toEqual(['2030-07-31T02:00:00.000Z', '2030-08-31T02:00:00.000Z', '2030-09-30T02:00:00.000Z', '2030-10-31T02:00:00.000Z']);
    expect(all.filter((s) => keep.has(s.name) && now.getTime() - s.createdAt.getTime() < 30 * day)).toHaveLength(30);
  });

  test.each<[string, string[], string, string[]]>([
    ['no snapshot', [], '2030-01-01T00:00:00Z', []],
    ['one snapshot, years old', ['2020-01-01T00:00:00Z'], '2030-01-01T00:00:00Z', ['2020-01-01T00:00:00Z']],
    ['two old ones: both, being the newest two', ['2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z'], '2030-01-01T00:00:00Z', ['2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z']],
    ['three old ones: the newest two', ['2020-01-01T00:00:00Z', '2020-02-01T00:00:00Z', '2020-03-01T00:00:00Z'], '2030-01-01T00:00:00Z', ['2020-02-01T00:00:00Z', '2020-03-01T00:00:00Z']],
    [
      'many in one day: the newest two, which include the day\'s newest',
      ['2030-01-01T01:00:00Z', '2030-01-01T02:00:00Z', '2030-01-01T03:00:00Z', '2030-01-01T04:00:00Z'],
      '2030-01-01T05:00:00Z',
      ['2030-01-01T03:00:00Z', '2030-01-01T04:00:00Z'],
    ],
    [
      'days are UTC days: 23:30 and 00:30 UTC are two days',
      ['2030-01-01T10:00:00Z', '2030-01-01T23:30:00Z', '2030-01-02T00:30:00Z', '2030-01-02T10:00:00Z', '2030-01-02T11:00:00Z'],
      '2030-01-02T12:00:00Z',
      ['2030-01-01T23:30:00Z', '2030-01-02T10:00:00Z', '2030-01-02T11:00:00Z'],
    ],
  ])('%s', (_case, times, now, kept) => {
    const all = times.map((t) => snapshot(new Date(t)));
    const keep = snapshotsToKeep(all, new Date(now));
    expect(all.filter((s) => keep.has(s.name)).map((s) => s.createdAt.toISOString().replace('.000', ''))).toEqual(kept);
  });

  test('after the clock went back, the snapshots with the highest sequence numbers are still kept', () => {
    // Written in this order (sequence numbers grow) while the clock jumped back by two hours.
    const ahead = snapshot(new Date('2030-01-01T12:00:00Z'));
    const aheadToo = snapshot(new Date('2030-01-01T12:30:00Z'));
    const afterJump = snapshot(new Date('2030-01-01T10:40:00Z'));
    const latest = snapshot(new Date('2030-01-01T10:45:00Z'));
    const keep = snapshotsToKeep([ahead, aheadToo, afterJump, latest], new Date('2030-01-01T10:46:00Z'));
    expect(keep.has(latest.name)).toBe(true);
    expect(keep.has(afterJump.name)).toBe(true);
  });

  test('pruning deletes exactly the snapshots not kept, and only snapshot files', async () => {
    const now = new Date('2030-06-15T12:00:00.000Z');
    const times = ['2029-01-01T00:00:00Z', '2030-06-01T00:00:00Z', '2030-06-14T00:00:00Z', '2030-06-14T05:00:00Z', '2030-06-15T00:00:00Z', '2030-06-15T06:00:00Z'];
    let n = 0n;
    for (const t of times) await writeSnapshot(dir, key, (n += 1n), new Date(t), database);
    await writeFile(join(dir, 'journal-00000000000000000007.log'), '');
    const dropped = await pruneSnapshots(dir, now);
    expect(dropped.map((name) => parseSnapshotFileName(name)?.createdAt.toISOString())).toEqual(['2030-06-14T00:00:00.000Z', '2029-01-01T00:00:00.000Z']);
    expect((await readdir(dir)).sort()).toEqual(
      ['journal-00000000000000000007.log', ...['2030-06-01T00:00:00Z', '2030-06-14T05:00:00Z', '2030-06-15T00:00:00Z', '2030-06-15T06:00:00Z'].map((t, i) => snapshotFileName(BigInt([2, 4, 5, 6][i] ?? 0), new Date(t)))].sort(),
    );
  });
});
