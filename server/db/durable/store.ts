// The durable store: recovers the in-memory database from the newest snapshot and the journal after
// it, then journals every write and takes snapshots that let old journal files go.
import { mkdir, readdir, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { Gate } from './gate.ts';
import { JournaledAdapter } from './journaled-adapter.ts';
import { JournalCorruptError, JournalWriter, journalFileName, parseJournalFileName, readJournalFile, type JournalRecord } from './journal.ts';
import type { DataKeys } from './keys.ts';
import { lockDataDirectory } from './lock.ts';
import { listSnapshots, pruneSnapshots, readSnapshot, writeSnapshot, type SnapshotInfo } from './snapshots.ts';

export interface RecoveryReport {
  /** The snapshot the database was loaded from, if any. */
  readonly snapshot: string | undefined;
  /** Snapshots skipped because they were damaged. */
  readonly damagedSnapshots: string[];
  readonly replayedRecords: number;
  /** Torn bytes found at the end of the journal, set aside in quarantine/. */
  readonly tornTail: { file: string; offset: number; bytes: number; reason: string; savedAs: string } | undefined;
  /** The journal record the loaded snapshot ends with (0 without a snapshot). */
  readonly snapshotSeq: bigint;
  readonly lastSeq: bigint;
}

export interface DurableStoreOptions {
  readonly dir: string;
  readonly keys: DataKeys;
  /** The connected better-sqlite3 adapter (its `client` is replaced by the recovered database). */
  readonly connect: () => Promise<SqlDriverAdapter & { client: Database.Database }>;
  /** SQL creating the schema in an empty database. */
  readonly schemaSql: string;
  readonly now: () => Date;
}

export interface DurableStore {
  readonly factory: SqlDriverAdapterFactory;
  readonly sqlite: Database.Database;
  readonly recovery: RecoveryReport;
  /** Records appended since the last snapshot. */
  readonly recordsSinceSnapshot: number;
  /** Writes a snapshot now, then deletes what it makes unnecessary. */
  snapshot(): Promise<SnapshotInfo>;
  /** Flushes the journal, closes its file and releases the directory. */
  close(): Promise<void>;
}

async function journalFiles(dir: string): Promise<Array<{ name: string; firstSeq: bigint }>> {
  return (await readdir(dir))
    .map((name) => ({ name, firstSeq: parseJournalFileName(name) }))
    .filter((f): f is { name: string; firstSeq: bigint } => f.firstSeq !== undefined)
    .sort((a, b) => (a.firstSeq < b.firstSeq ? -1 : 1));
}

export async function openDurableStore(options: DurableStoreOptions): Promise<DurableStore> {
  const { dir, keys } = options;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const unlock = await lockDataDirectory(dir);
  try {
    const adapter = await options.connect();
    const report = await recover(options, adapter);
    const gate = new Gate();
    // A journal file for the next record can only be empty (else recovery would have read past it):
    // one a snapshot opened just before the server stopped. Start it afresh.
    await unlink(join(dir, journalFileName(report.lastSeq + 1n))).catch(() => undefined);
    let writer = await JournalWriter.create(dir, keys.journal, report.lastSeq + 1n);
    let lastSnapshotSeq = report.snapshotSeq;
    const journaled = new JournaledAdapter(adapter, { current: () => writer }, gate);
    const factory: SqlDriverAdapterFactory = {
      provider: 'sqlite',
      adapterName: journaled.adapterName,
      connect: async () => journaled,
    };

    const store: DurableStore = {
      factory,
      get sqlite() {
        return adapter.client;
      },
      recovery: report,
      get recordsSinceSnapshot() {
        return Number(writer.lastSeq - lastSnapshotSeq);
      },
      async snapshot() {
        // Under the gate: no transaction is open, and no write lands between the copy and the switch.
        const { bytes, seq } = await gate.run(async () => {
          const copy = { bytes: adapter.client.serialize(), seq: writer.lastSeq };
          await writer.flushed();
          if (writer.lastSeq >= writer.firstSeq) {
            const next = await JournalWriter.create(dir, keys.journal, copy.seq + 1n);
            const previous = writer;
            writer = next;
            await previous.close();
          }
          return copy;
        });
        const info = await writeSnapshot(dir, keys.snapshot, seq, options.now(), bytes);
        lastSnapshotSeq = seq;
        // Journal files wholly inside the snapshot are no longer needed.
        for (const file of await journalFiles(dir)) {
          if (file.name !== journalFileName(writer.firstSeq) && file.firstSeq <= seq) await unlink(join(dir, file.name));
        }
        await pruneSnapshots(dir, options.now());
        return info;
      },
      async close() {
        await writer.close();
        await unlock();
      },
    };
    return store;
  } catch (error) {
    await unlock();
    throw error;
  }
}

/** Loads the newest readable snapshot and replays the journal after it into `adapter`. */
async function recover(options: DurableStoreOptions, adapter: SqlDriverAdapter & { client: Database.Database }): Promise<RecoveryReport> {
  const { dir, keys } = options;
  const damagedSnapshots: string[] = [];
  let snapshot: SnapshotInfo | undefined;
  for (const candidate of await listSnapshots(dir)) {
    const bytes = await readSnapshot(dir, candidate, keys.snapshot);
    if (!bytes) {
      damagedSnapshots.push(candidate.name);
      continue;
    }
    adapter.client.close();
    const restored = new Database(bytes);
    restored.defaultSafeIntegers(true);
    // The adapter keeps its connection in a public `client` field; point it at the restored database.
    adapter.client = restored;
    snapshot = candidate;
    break;
  }
  // Before replay: cascading deletes must happen again exactly as they did.
  adapter.client.pragma('foreign_keys = ON');
  if (!snapshot) adapter.client.exec(options.schemaSql);
  const afterSeq = snapshot?.seq ?? 0n;

  const files = await journalFiles(dir);
  const pending: JournalRecord[] = [];
  let tornTail: RecoveryReport['tornTail'];
  for (const [index, file] of files.entries()) {
    const path = join(dir, file.name);
    const contents = await readJournalFile(path, keys.journal);
    if (contents.tornTail) {
      if (index !== files.length - 1) {
        throw new JournalCorruptError(`Journal ${file.name} is damaged at byte ${contents.tornTail.offset} (${contents.tornTail.reason}), and later journal files follow it; the server will not start.`);
      }
      // Never acknowledged (its fsync did not finish): keep the bytes aside for inspection, then cut them off.
      await mkdir(join(dir, 'quarantine'), { recursive: true, mode: 0o700 });
      const savedAs = join('quarantine', `${file.name}.${contents.tornTail.offset}.${options.now().getTime()}.tail`);
      await writeFile(join(dir, savedAs), contents.tornTail.bytes, { mode: 0o600 });
      await truncate(path, contents.validEnd);
      tornTail = { file: file.name, offset: contents.tornTail.offset, bytes: contents.tornTail.bytes.length, reason: contents.tornTail.reason, savedAs };
    }
    pending.push(...contents.records.filter((record) => record.seq > afterSeq));
  }
  let expected = afterSeq + 1n;
  for (const record of pending) {
    if (record.seq !== expected) {
      throw new JournalCorruptError(`The journal lacks record ${expected} (the next one found is ${record.seq}); acknowledged writes are missing, so the server will not start.`);
    }
    await replay(adapter, record);
    expected += 1n;
  }
  return { snapshot: snapshot?.name, damagedSnapshots, replayedRecords: pending.length, tornTail, snapshotSeq: afterSeq, lastSeq: expected - 1n };
}

/** Applies one journal record as the transaction it was. */
async function replay(adapter: SqlDriverAdapter & { client: Database.Database }, record: JournalRecord): Promise<void> {
  const db = adapter.client;
  db.prepare('BEGIN').run();
  try {
    for (const statement of record.statements) {
      // The adapter's own argument mapping, so values are stored exactly as they were the first time.
      await adapter.queryRaw(statement);
    }
    db.prepare('COMMIT').run();
  } catch (error) {
    db.prepare('ROLLBACK').run();
    throw new JournalCorruptError(`Journal record ${record.seq} does not apply to the database: ${(error as Error).message}`);
  }
}
