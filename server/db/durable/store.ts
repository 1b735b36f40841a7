// The durable store: recovers the in-memory database from the newest snapshot and the journal after
// it, then journals every write and takes snapshots that let old journal files go.
import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { syncDirectory, writeFully } from './files.ts';
import { Gate } from './gate.ts';
import { JournaledAdapter } from './journaled-adapter.ts';
import {
  JournalCorruptError,
  journalFileName,
  journalHeaderBytes,
  JournalUnavailableError,
  JournalWriter,
  type JournalWriterOptions,
  parseJournalFileName,
  readJournalFile,
  type JournalRecord,
  WrongKeyError,
} from './journal.ts';
import type { DataKeys } from './keys.ts';
import { lockDataDirectory } from './lock.ts';
import { isSnapshotLeftover, listSnapshots, pruneSnapshots, readSnapshot, writeSnapshot, type SnapshotInfo } from './snapshots.ts';

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

export type BetterSqlite3Adapter = SqlDriverAdapter & { client: Database.Database };

export interface DurableStoreOptions {
  readonly dir: string;
  readonly keys: DataKeys;
  /** A new connected better-sqlite3 adapter (its `client` is replaced by the recovered database). */
  readonly connect: () => Promise<BetterSqlite3Adapter>;
  /** SQL creating the schema in an empty database. */
  readonly schemaSql: string;
  readonly now: () => Date;
  /** Options for the journal writers (tests shorten the retry delay). */
  readonly journal?: Pick<JournalWriterOptions, 'retryMs'>;
}

export interface DurableStore {
  readonly factory: SqlDriverAdapterFactory;
  readonly sqlite: Database.Database;
  readonly recovery: RecoveryReport;
  /** Records appended since the last snapshot. */
  readonly recordsSinceSnapshot: number;
  /** Whether writes are accepted now (false while the journal cannot write). */
  readonly writable: boolean;
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
  let adapter: BetterSqlite3Adapter | undefined;
  try {
    // Read and check everything, and replay it in memory, before changing anything on disk: a start
    // that is refused leaves the directory as it was, for an operator to decide.
    const state = await readDurableState(dir, keys);
    adapter = await buildDatabase(options, state);
    const live = adapter;
    const tornTail = state.tornTail ? await setAside(dir, state.tornTail, options.now()) : undefined;
    for (const name of await readdir(dir)) if (isSnapshotLeftover(name)) await unlink(join(dir, name)).catch(() => undefined);
    const report: RecoveryReport = {
      snapshot: state.snapshot?.name,
      damagedSnapshots: state.damagedSnapshots,
      replayedRecords: state.records.length,
      tornTail,
      snapshotSeq: state.snapshot?.seq ?? 0n,
      lastSeq: state.lastSeq,
    };

    /** Every statement and transaction, one at a time. */
    const gate = new Gate();
    /** Snapshots, one at a time (each takes `gate` for its part in memory). */
    const maintenance = new Gate();
    let closed = false;

    /**
     * Makes memory what the disk holds again, after the journal discarded writes it could not make
     * durable. Called as the failure happens: it queues on the gate at once, so every statement that
     * comes later sees the discarded writes gone. (A snapshot deleting journal files meanwhile can
     * only make it fail, and the journal tries again.)
     */
    const rollBack = (durableSeq: bigint) =>
      gate.run(async () => {
        if (closed) return;
        const durable = await readDurableState(dir, keys, durableSeq);
        const rebuilt = await buildDatabase(options, durable);
        const discarded = live.client;
        live.client = rebuilt.client;
        discarded.close();
      });
    const writerOptions: JournalWriterOptions = { ...options.journal, onDiscard: rollBack };

    // A journal file for the next record can only be empty (else recovery would have read past it):
    // one a snapshot opened just before the server stopped. Start it afresh.
    await unlink(join(dir, journalFileName(report.lastSeq + 1n))).catch(() => undefined);
    let writer = await JournalWriter.create(dir, keys.journal, report.lastSeq + 1n, writerOptions);
    let lastSnapshotSeq = report.snapshotSeq;
    const journaled = new JournaledAdapter(live, { current: () => writer }, gate);
    const factory: SqlDriverAdapterFactory = {
      provider: 'sqlite',
      adapterName: journaled.adapterName,
      connect: async () => journaled,
    };

    const store: DurableStore = {
      factory,
      get sqlite() {
        return live.client;
      },
      recovery: report,
      get recordsSinceSnapshot() {
        return Number(writer.lastSeq - lastSnapshotSeq);
      },
      get writable() {
        return writer.writable;
      },
      snapshot: () =>
        maintenance.run(async () => {
          if (closed) throw new Error('The durable store is closed: no more snapshots.');
          // Under the gate: no transaction is open, and no write lands between the copy and the switch.
          const { bytes, seq } = await gate.run(async () => {
            // After a failure, memory may still hold discarded writes until the rollback: copy nothing then.
            if (!writer.writable) throw new JournalUnavailableError(undefined);
            const copy = { bytes: live.client.serialize(), seq: writer.lastSeq };
            await writer.flushed();
            if (writer.lastSeq >= writer.firstSeq) {
              const next = await JournalWriter.create(dir, keys.journal, copy.seq + 1n, writerOptions);
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
        }),
      async close() {
        if (closed) return;
        closed = true;
        // Let a snapshot in progress finish first.
        await maintenance.run(() => undefined);
        await writer.close();
        await unlock();
      },
    };
    return store;
  } catch (error) {
    adapter?.client.close();
    await unlock();
    throw error;
  }
}

interface TornTail {
  readonly file: string;
  readonly offset: number;
  /** Where the file is cut (0: the file is removed, its header never completed). */
  readonly validEnd: number;
  readonly bytes: Buffer;
  readonly reason: string;
}

/** What the directory holds: the snapshot to load, and the journal records to replay after it. */
interface DurableState {
  readonly snapshot: SnapshotInfo | undefined;
  readonly snapshotBytes: Buffer | undefined;
  readonly damagedSnapshots: string[];
  /** Contiguous, from the record after the snapshot's. */
  readonly records: Array<JournalRecord & { readonly file: string }>;
  readonly tornTail: TornTail | undefined;
  readonly lastSeq: bigint;
}

/**
 * Reads the newest readable snapshot and the journal after it, checking that nothing is missing; reads
 * only. With `upTo` (a rollback), records after it are left out and a torn tail is ignored.
 */
export async function readDurableState(dir: string, keys: DataKeys, upTo?: bigint): Promise<DurableState> {
  /** Whether some file opened with this key (then a key check that fails means damage, not a wrong key). */
  let keyFits = false;
  const wrongKey: Array<{ name: string; error: WrongKeyError }> = [];

  const files = await journalFiles(dir);
  const journals: Array<{ name: string; firstSeq: bigint | undefined; records: JournalRecord[]; tornTail?: TornTail }> = [];
  for (const file of files) {
    try {
      const contents = await readJournalFile(join(dir, file.name), keys.journal);
      if (contents.validEnd > 0) keyFits = true;
      const tornTail = contents.tornTail && { file: file.name, validEnd: contents.validEnd, ...contents.tornTail };
      // (For a file whose creation was interrupted, its name gives the first sequence number.)
      journals.push({ name: file.name, firstSeq: contents.firstSeq, records: contents.records, ...(tornTail ? { tornTail } : {}) });
    } catch (error) {
      if (!(error instanceof WrongKeyError)) throw error;
      wrongKey.push({ name: file.name, error });
      journals.push({ name: file.name, firstSeq: undefined, records: [] });
    }
  }

  const damagedSnapshots: SnapshotInfo[] = [];
  let snapshot: SnapshotInfo | undefined;
  let snapshotBytes: Buffer | undefined;
  for (const candidate of await listSnapshots(dir)) {
    if (upTo !== undefined && candidate.seq > upTo) continue;
    try {
      const bytes = await readSnapshot(dir, candidate, keys.snapshot);
      if (!bytes) {
        damagedSnapshots.push(candidate);
        continue;
      }
      snapshot = candidate;
      snapshotBytes = bytes;
      keyFits = true;
      break;
    } catch (error) {
      if (!(error instanceof WrongKeyError)) throw error;
      wrongKey.push({ name: candidate.name, error });
      damagedSnapshots.push(candidate);
    }
  }

  for (const [index, journal] of journals.entries()) {
    const mismatch = wrongKey.find((w) => w.name === journal.name);
    if (mismatch) {
      if (!keyFits) throw mismatch.error;
      // The key opens other files: this one's header is damaged. Harmless only if it is the newest
      // file and holds nothing after its header (a creation torn by a crash).
      const size = (await stat(join(dir, journal.name))).size;
      if (index === journals.length - 1 && size <= journalHeaderBytes) {
        const bytes = Buffer.alloc(0);
        journal.tornTail = { file: journal.name, offset: 0, validEnd: 0, bytes, reason: 'a damaged file header and no record' };
        continue;
      }
      throw new JournalCorruptError(`Journal ${journal.name} is damaged at byte 16 (its header): the data key opens the other files but not this one, so the server will not start; have an operator inspect the file.`);
    }
    if (journal.tornTail && index !== journals.length - 1) {
      throw new JournalCorruptError(`Journal ${journal.name} is damaged at byte ${journal.tornTail.offset} (${journal.tornTail.reason}), and later journal files follow it; the server will not start.`);
    }
  }
  if (!keyFits && wrongKey[0]) throw wrongKey[0].error;

  const afterSeq = snapshot?.seq ?? 0n;
  const records: Array<JournalRecord & { file: string }> = [];
  let expected = afterSeq + 1n;
  for (const journal of journals) {
    for (const record of journal.records) {
      if (record.seq <= afterSeq || (upTo !== undefined && record.seq > upTo)) continue;
      if (record.seq !== expected) {
        throw new JournalCorruptError(
          `The journal lacks record ${expected}: the next one found is ${record.seq}, in ${journal.name} at byte ${record.offset}` +
            `${snapshot ? ` (after snapshot ${snapshot.name})` : ''}; acknowledged writes are missing, so the server will not start.`,
        );
      }
      records.push({ ...record, file: journal.name });
      expected += 1n;
    }
  }
  const lastSeq = expected - 1n;
  if (upTo !== undefined && lastSeq !== upTo) {
    throw new JournalCorruptError(`The journal on disk reaches record ${lastSeq}, not record ${upTo} as written: the database cannot be rolled back to it.`);
  }

  // Each file tells how far the data had come: a journal file starting at N was opened after record
  // N - 1, a snapshot holds its records. A damaged newest snapshot whose journal files are gone must
  // not let the server start, silently, from an older state.
  for (const damaged of damagedSnapshots) {
    if (damaged.seq > lastSeq) {
      throw new JournalCorruptError(
        `Snapshot ${damaged.name} is damaged, and what it held (up to record ${damaged.seq}) is not in the journal: ` +
          `${snapshot ? `snapshot ${snapshot.name}` : 'no readable snapshot'} and the journal after it reach only record ${lastSeq}. ` +
          'Acknowledged writes would be lost, so the server will not start; restore the data directory from a backup, or move that snapshot aside to start from the older state knowingly.',
      );
    }
  }
  for (const journal of journals) {
    if (journal.firstSeq !== undefined && journal.firstSeq - 1n > lastSeq && (upTo === undefined || journal.firstSeq - 1n <= upTo)) {
      throw new JournalCorruptError(
        `Journal ${journal.name} starts after record ${journal.firstSeq - 1n}, but ${snapshot ? `snapshot ${snapshot.name}` : 'no readable snapshot'} and the journal reach only record ${lastSeq}; ` +
          'acknowledged writes are missing, so the server will not start.',
      );
    }
  }

  const last = journals[journals.length - 1];
  return {
    snapshot,
    snapshotBytes,
    damagedSnapshots: damagedSnapshots.map((s) => s.name),
    records,
    tornTail: upTo === undefined ? last?.tornTail : undefined,
    lastSeq,
  };
}

/** A new connection holding the state: the snapshot (or an empty schema) with the records replayed. */
export async function buildDatabase(options: DurableStoreOptions, state: DurableState): Promise<BetterSqlite3Adapter> {
  const adapter = await options.connect();
  if (state.snapshotBytes) {
    adapter.client.close();
    const restored = new Database(state.snapshotBytes);
    restored.defaultSafeIntegers(true);
    // The adapter keeps its connection in a public `client` field; point it at the restored database.
    adapter.client = restored;
  }
  // Before replay: cascading deletes must happen again exactly as they did.
  adapter.client.pragma('foreign_keys = ON');
  // Deleted rows are overwritten with zeros, not left in free pages that a snapshot would copy:
  // erased identifying data must not survive in the next snapshot (SPEC PT-8).
  adapter.client.pragma('secure_delete = ON');
  try {
    if (!state.snapshot) adapter.client.exec(options.schemaSql);
    for (const record of state.records) await replay(adapter, record);
  } catch (error) {
    adapter.client.close();
    throw error;
  }
  return adapter;
}

/** Applies one journal record as the transaction it was. */
async function replay(adapter: BetterSqlite3Adapter, record: JournalRecord & { file: string }): Promise<void> {
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
    throw new JournalCorruptError(`Journal record ${record.seq} (${record.file}, byte ${record.offset}) does not apply to the database: ${(error as Error).message}`);
  }
}

/** Never acknowledged (its fsync did not finish): keeps the bytes aside for inspection, then cuts them off. */
async function setAside(dir: string, torn: TornTail, now: Date): Promise<RecoveryReport['tornTail']> {
  await mkdir(join(dir, 'quarantine'), { recursive: true, mode: 0o700 });
  const savedAs = join('quarantine', `${torn.file}.${torn.offset}.${now.getTime()}.tail`);
  const saved = await open(join(dir, savedAs), 'w', 0o600);
  try {
    await writeFully(saved, torn.bytes, 0);
    await saved.sync();
  } finally {
    await saved.close();
  }
  await syncDirectory(join(dir, 'quarantine'));
  const path = join(dir, torn.file);
  if (torn.validEnd === 0) {
    await unlink(path);
  } else {
    // Durably: a later journal file after an uncut torn tail would stop the next start.
    const file = await open(path, 'r+');
    try {
      await file.truncate(torn.validEnd);
      await file.sync();
    } finally {
      await file.close();
    }
  }
  await syncDirectory(dir);
  return { file: torn.file, offset: torn.offset, bytes: torn.bytes.length, reason: torn.reason, savedAs };
}
