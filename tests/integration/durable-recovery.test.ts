// Recovery of the database from snapshots and journal, through the real database layer (Prisma over
// the journaled adapter): the same database comes back, and every doubt about the files stops the
// start without changing them.
import { copyFile, type FileHandle, open as openFile, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { type Database, openDatabase, schemaSql } from '../../server/db/database.ts';
import { PrismaClient } from '../../server/db/generated/client.ts';
import { JournalCorruptError, journalFileName, JournalUnavailableError } from '../../server/db/durable/journal.ts';
import { deriveKeys } from '../../server/db/durable/keys.ts';
import { openDurableStore } from '../../server/db/durable/store.ts';
import { seedReferenceData } from '../../server/reference/seed.ts';
import { fileHashes, flipBit, journalFileNames, lastJournalFile, listFiles, snapshotFileNames, type TempDataDir, tempDataDir, testDataKey } from '../fixtures/durable.ts';
import { buildUser, fakeClock } from '../fixtures/factories.ts';

const keys = deriveKeys(testDataKey);
const clock = fakeClock();
const dirs: TempDataDir[] = [];
const open: Database[] = [];

async function dataDir(): Promise<string> {
  const data = await tempDataDir();
  dirs.push(data);
  return data.dir;
}

/** Opens the durable database on `dir` (with the reference data, as a server would). */
async function openDb(dir: string): Promise<Database> {
  const db = await openDatabase({ dir, keys, now: () => clock.now() });
  open.push(db);
  await seedReferenceData(db.prisma);
  return db;
}

/** Closes without a snapshot: the disk holds what a crash would have left (all acknowledged writes). */
async function closeDb(db: Database): Promise<void> {
  open.splice(open.indexOf(db), 1);
  await db.close();
}

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((db) => db.close().catch(() => undefined)));
  await Promise.all(dirs.splice(0).map((d) => d.remove()));
});

/** Every row of every table, in storage order. */
function dump(sqlite: BetterSqlite3.Database): Record<string, unknown[]> {
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
  return Object.fromEntries(tables.map(({ name }) => [name, sqlite.prepare(`SELECT rowid AS _rowid, * FROM "${name}" ORDER BY rowid`).all()]));
}

async function usernames(db: Pick<Database, 'prisma'>): Promise<string[]> {
  return (await db.prisma.user.findMany({ select: { username: true }, orderBy: { username: 'asc' } })).map((u) => u.username);
}

/** Writes of every kind Prisma sends: nested creates, updates, upserts, deletes that cascade, batches. */
async function workload(db: Database, tag: string): Promise<void> {
  const alice = await buildUser(db, { username: `${tag}.alice`, memberships: [{ ernId: 'ERKNet', role: 'HP' }, { ernId: 'BOND', role: 'HP' }] });
  const bob = await buildUser(db, { username: `${tag}.bob`, hcp: { code: 'FR10', countryCode: 'FR' } });
  const now = clock.now();
  const session = await db.prisma.session.create({
    data: { userId: alice.id, createdAt: now, lastSeenAt: now, expiresAt: new Date(now.getTime() + 3_600_000), refreshTokens: { create: [{ tokenHash: `${tag}-a`, createdAt: now }, { tokenHash: `${tag}-b`, createdAt: now }] } },
  });
  await db.prisma.user.update({ where: { id: alice.id }, data: { failedSignIns: { increment: 2 }, phone: '+33 1 23 45 67 89', lockedUntil: new Date(now.getTime() + 60_000) } });
  await db.prisma.refreshToken.updateMany({ where: { sessionId: session.id }, data: { usedAt: now } });
  await db.prisma.user.upsert({ where: { username: `${tag}.carol` }, create: { username: `${tag}.carol`, firstName: 'Carol', lastName: 'Ünal', email: 'c@x.test', countryCode: 'DE', profession: 'Geneticist', passwordHash: 'h', totpSecret: 's', createdAt: now }, update: {} });
  await db.prisma.user.upsert({ where: { username: `${tag}.carol` }, create: { username: 'never', firstName: '', lastName: '', email: '', countryCode: 'DE', profession: '', passwordHash: '', totpSecret: '', createdAt: now }, update: { expertise: 'Skeletal dysplasia' } });
  await db.prisma.$transaction(async (tx) => {
    await tx.membership.create({ data: { userId: bob.id, ernId: 'CRANIO', role: 'HP', createdAt: now } });
    await tx.user.update({ where: { id: bob.id }, data: { status: 'deactivated' } });
  });
  // Cascades: the session and its tokens, the memberships.
  await db.prisma.user.delete({ where: { id: alice.id } });
}

describe('replay', () => {
  test('gives back the very same database, table by table, from the journal alone', async () => {
    const dir = await dataDir();
    const first = await openDb(dir);
    await workload(first, 'journal');
    const before = dump(first.sqlite);
    await closeDb(first);

    const second = await openDb(dir);
    expect(second.store?.recovery.snapshot).toBeUndefined();
    expect(dump(second.sqlite)).toEqual(before);
  });

  test('and from a snapshot plus the journal after it', async () => {
    const dir = await dataDir();
    const first = await openDb(dir);
    await workload(first, 'one');
    await first.store?.snapshot();
    await workload(first, 'two');
    const before = dump(first.sqlite);
    await closeDb(first);

    const second = await openDb(dir);
    expect(second.store?.recovery.snapshot).toBeDefined();
    expect(second.store?.recovery.replayedRecords).toBeGreaterThan(0);
    expect(dump(second.sqlite)).toEqual(before);
    expect(await usernames(second)).toEqual(['one.bob', 'one.carol', 'two.bob', 'two.carol']);
  });

  test('a write that failed (a constraint) leaves nothing to replay', async () => {
    const dir = await dataDir();
    const first = await openDb(dir);
    await buildUser(first, { username: 'unique.name' });
    const before = first.store?.recordsSinceSnapshot;
    await expect(buildUser(first, { username: 'unique.name' })).rejects.toThrow();
    expect(first.store?.recordsSinceSnapshot).toBe(before);
    await closeDb(first);
    expect(await usernames(await openDb(dir))).toEqual(['unique.name']);
  });
});

describe('snapshots that are damaged', () => {
  /** Two snapshots with writes between them; the journal files before the newer one are deleted. */
  async function twoSnapshots(dir: string): Promise<{ older: string; newer: string }> {
    const db = await openDb(dir);
    await buildUser(db, { username: 'in.older' });
    const older = (await db.store?.snapshot())?.name ?? '';
    clock.advance(60_000);
    await buildUser(db, { username: 'in.newer' });
    const newer = (await db.store?.snapshot())?.name ?? '';
    await closeDb(db);
    return { older, newer };
  }

  test('the newest damaged and the journal after the older one gone: refused, naming the snapshot; nothing changed', async () => {
    const dir = await dataDir();
    const { newer } = await twoSnapshots(dir);
    await flipBit(join(dir, newer), (await stat(join(dir, newer))).size - 40);
    const before = await fileHashes(dir);
    const opening = openDatabase({ dir, keys, now: () => clock.now() });
    await expect(opening).rejects.toThrow(JournalCorruptError);
    await expect(opening).rejects.toThrow(`Snapshot ${newer} is damaged, and what it held (up to record 3) is not in the journal`);
    expect(await fileHashes(dir)).toEqual(before);
  });

  test('the newest damaged but the journal still holds what it held (a crash before the journal files were deleted): started from the older one, reported', async () => {
    const dir = await dataDir();
    const db = await openDb(dir);
    await buildUser(db, { username: 'in.older' });
    const older = (await db.store?.snapshot())?.name ?? '';
    await buildUser(db, { username: 'in.newer' });
    const journal = await lastJournalFile(dir);
    await copyFile(journal, `${journal}.kept`);
    const newer = (await db.store?.snapshot())?.name ?? '';
    await buildUser(db, { username: 'after.newer' });
    await closeDb(db);
    await copyFile(`${journal}.kept`, journal);
    await unlink(`${journal}.kept`);
    await writeFile(join(dir, newer), Buffer.alloc(100));

    const reopened = await openDb(dir);
    expect(reopened.store?.recovery).toMatchObject({ snapshot: older, damagedSnapshots: [newer] });
    expect(await usernames(reopened)).toEqual(['after.newer', 'in.newer', 'in.older']);
  });

  test('the newest with a damaged key check: still read (its data opens with the key), not taken for a wrong key', async () => {
    const dir = await dataDir();
    const { newer } = await twoSnapshots(dir);
    await flipBit(join(dir, newer), 30);
    const reopened = await openDb(dir);
    expect(reopened.store?.recovery.snapshot).toBe(newer);
    expect(await usernames(reopened)).toEqual(['in.newer', 'in.older']);
  });
});

describe('journal files', () => {
  test('a journal file whose creation was interrupted (empty, or half a header): set aside, the start goes on', async () => {
    for (const bytes of [Buffer.alloc(0), Buffer.from('CNSLJRN1\0\0\0')]) {
      const dir = await dataDir();
      const first = await openDb(dir);
      await buildUser(first, { username: 'before.interruption' });
      const lastSeq = BigInt(first.store?.recordsSinceSnapshot ?? 0);
      await closeDb(first);
      const next = journalFileName(lastSeq + 1n);
      await writeFile(join(dir, next), bytes);

      const second = await openDb(dir);
      expect(second.store?.recovery.tornTail).toMatchObject({ file: next, offset: 0, bytes: bytes.length });
      expect(await readFile(join(dir, second.store?.recovery.tornTail?.savedAs ?? ''))).toEqual(bytes);
      expect(await usernames(second)).toEqual(['before.interruption']);
      await buildUser(second, { username: 'after.interruption' });
      await closeDb(second);
      expect(await usernames(await openDb(dir))).toEqual(['after.interruption', 'before.interruption']);
    }
  });

  test('a missing journal file between two others: refused, naming where the journal goes on', async () => {
    const dir = await dataDir();
    for (const name of ['one', 'two', 'three']) {
      const db = await openDb(dir);
      await buildUser(db, { username: `start.${name}` });
      await closeDb(db);
    }
    const [, middle, last] = await journalFileNames(dir);
    if (!middle || !last) throw new Error('three journal files expected');
    await rm(join(dir, middle));
    const before = await fileHashes(dir);
    const opening = openDatabase({ dir, keys, now: () => clock.now() });
    await expect(opening).rejects.toThrow(JournalCorruptError);
    await expect(opening).rejects.toThrow(new RegExp(`The journal lacks record \\d+: the next one found is \\d+, in ${last} at byte 44`));
    expect(await fileHashes(dir)).toEqual(before);
  });

  test('records lost with a deleted journal file are missed even when the file after it is still empty', async () => {
    const dir = await dataDir();
    const first = await openDb(dir);
    await buildUser(first, { username: 'kept' });
    await closeDb(first);
    const second = await openDb(dir);
    await buildUser(second, { username: 'lost' });
    await closeDb(second);
    await closeDb(await openDb(dir)); // a start without writes: its journal file stays empty
    const [, withLost, empty] = await journalFileNames(dir);
    if (!withLost || !empty) throw new Error('three journal files expected');
    await rm(join(dir, withLost));
    const before = await fileHashes(dir);
    const opening = openDatabase({ dir, keys, now: () => clock.now() });
    await expect(opening).rejects.toThrow(JournalCorruptError);
    await expect(opening).rejects.toThrow(`Journal ${empty} starts after record 3, but no readable snapshot and the journal reach only record 2`);
    expect(await fileHashes(dir)).toEqual(before);
  });

  test('a torn tail in a journal file that is not the last: refused, nothing changed', async () => {
    const dir = await dataDir();
    for (const name of ['one', 'two']) {
      const db = await openDb(dir);
      await buildUser(db, { username: `start.${name}` });
      await closeDb(db);
    }
    const [firstFile] = await journalFileNames(dir);
    if (!firstFile) throw new Error('no journal');
    await writeFile(join(dir, firstFile), Buffer.concat([await readFile(join(dir, firstFile)), Buffer.alloc(10)]));
    const before = await fileHashes(dir);
    await expect(openDatabase({ dir, keys, now: () => clock.now() })).rejects.toThrow(`Journal ${firstFile} is damaged at byte`);
    expect(await fileHashes(dir)).toEqual(before);
  });
});

describe('the store', () => {
  test('removes what an interrupted snapshot write left behind, and nothing else', async () => {
    const dir = await dataDir();
    const first = await openDb(dir);
    await buildUser(first, { username: 'leftovers' });
    await first.store?.snapshot();
    await closeDb(first);
    await writeFile(join(dir, 'snapshot-00000000000000000009-1930381210000.db.enc.a1b2c3d4e5f6.tmp'), 'partial');
    await writeFile(join(dir, 'notes.txt'), 'an operator\'s file');
    const second = await openDb(dir);
    expect(await listFiles(dir)).not.toContain('snapshot-00000000000000000009-1930381210000.db.enc.a1b2c3d4e5f6.tmp');
    expect(await listFiles(dir)).toContain('notes.txt');
    expect(await usernames(second)).toEqual(['leftovers']);
  });

  test('two snapshots asked for at once (the timer and an operator) are taken one after the other', async () => {
    const dir = await dataDir();
    const db = await openDb(dir);
    await buildUser(db, { username: 'snap.one' });
    const writes = buildUser(db, { username: 'snap.two' });
    const [a, b] = await Promise.all([db.store?.snapshot(), db.store?.snapshot(), writes]);
    expect(a && b && a.seq <= b.seq).toBe(true);
    await buildUser(db, { username: 'snap.three' });
    await closeDb(db);
    const reopened = await openDb(dir);
    expect(reopened.store?.recovery.damagedSnapshots).toEqual([]);
    expect(await usernames(reopened)).toEqual(['snap.one', 'snap.three', 'snap.two']);
  });

  test('a closed store takes no snapshot and writes nothing more', async () => {
    const dir = await dataDir();
    const db = await openDb(dir);
    await buildUser(db, { username: 'closing' });
    await db.store?.close();
    const before = await fileHashes(dir);
    await expect(db.store?.snapshot()).rejects.toThrow('closed');
    expect(await fileHashes(dir)).toEqual(before);
    expect(await snapshotFileNames(dir)).toEqual([]);
  });
});

describe('when the journal cannot write (an injected disk error, so this runs wherever the tests do)', () => {
  async function fileHandlePrototype(dir: string): Promise<FileHandle> {
    const handle = await openFile(join(dir, '..', 'prototype-probe'), 'w');
    await handle.close();
    return Object.getPrototypeOf(handle) as FileHandle;
  }

  async function openStoreWithFastRetry(dir: string) {
    const store = await openDurableStore({
      dir,
      keys,
      connect: () => new PrismaBetterSqlite3({ url: ':memory:' }).connect() as never,
      schemaSql,
      now: () => clock.now(),
      journal: { retryMs: 20 },
    });
    const prisma = new PrismaClient({ adapter: store.factory });
    await seedReferenceData(prisma);
    return { store, prisma, db: { prisma } };
  }

  test('a write that fails is not there, not even for reads right after; later writes work once the disk does; a restart shows exactly the acknowledged ones', async () => {
    const dir = await dataDir();
    const { store, prisma, db } = await openStoreWithFastRetry(dir);
    await buildUser(prisma, { username: 'acknowledged.before' });

    const prototype = await fileHandlePrototype(dir);
    const realWrite = prototype.write as (...args: unknown[]) => Promise<unknown>;
    let failing = true;
    vi.spyOn(prototype, 'write').mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
      if (failing) throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
      return realWrite.apply(this, args);
    } as FileHandle['write']);

    const refused = buildUser(prisma, { username: 'refused.write' });
    await expect(refused).rejects.toThrow(JournalUnavailableError);
    expect(await usernames(db)).toEqual(['acknowledged.before']);
    expect(store.writable).toBe(false);
    await expect(buildUser(prisma, { username: 'refused.too' })).rejects.toThrow(JournalUnavailableError);
    await expect(store.snapshot()).rejects.toThrow(JournalUnavailableError);

    failing = false;
    await vi.waitFor(() => expect(store.writable).toBe(true));
    await buildUser(prisma, { username: 'acknowledged.after' });
    await prisma.$disconnect();
    await store.close();

    const reopened = await openDb(dir);
    expect(reopened.store?.recovery.tornTail).toBeUndefined();
    expect(await usernames(reopened)).toEqual(['acknowledged.after', 'acknowledged.before']);
    // Restarted cleanly, it writes on.
    await buildUser(reopened, { username: 'after.restart' });
    await closeDb(reopened);
    expect(await usernames(await openDb(dir))).toEqual(['acknowledged.after', 'acknowledged.before', 'after.restart']);
  });

  test('concurrent writes when the disk fails: each is either acknowledged and kept, or refused and gone', async () => {
    const dir = await dataDir();
    const { store, prisma, db } = await openStoreWithFastRetry(dir);
    const prototype = await fileHandlePrototype(dir);
    const realWrite = prototype.write as (...args: unknown[]) => Promise<unknown>;
    // The first flush (the first record alone) succeeds; the second (the records appended meanwhile) fails.
    let calls = 0;
    vi.spyOn(prototype, 'write').mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
      calls += 1;
      if (calls === 2) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      return realWrite.apply(this, args);
    } as FileHandle['write']);

    const names = Array.from({ length: 12 }, (_, i) => `concurrent.${String(i).padStart(2, '0')}`);
    const now = clock.now();
    const outcomes = await Promise.allSettled(
      names.map((username) => prisma.user.create({ data: { username, firstName: 'C', lastName: 'C', email: 'c@c.test', countryCode: 'FR', profession: 'P', passwordHash: 'h', totpSecret: 's', createdAt: now } })),
    );
    const acknowledged = names.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    for (const outcome of refused) expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(JournalUnavailableError);
    expect(await usernames(db)).toEqual(acknowledged);

    await vi.waitFor(() => expect(store.writable).toBe(true));
    await prisma.$disconnect();
    await store.close();
    expect(await usernames(await openDb(dir))).toEqual(acknowledged);
  });
});

test('journalFileNames and lastJournalFile (test helpers) see the file a store writes', async () => {
  const dir = await dataDir();
  const db = await openDb(dir);
  expect(await journalFileNames(dir)).toEqual([journalFileName(1n)]);
  expect(basename(await lastJournalFile(dir))).toBe(journalFileName(1n));
  await closeDb(db);
});
