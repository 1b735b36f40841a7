// The write-ahead journal: every committed write as one encrypted record, appended and fsynced
// before the write is acknowledged. Concurrent commits share one fsync (group commit).
//
// File: header = magic "CNSLJRN1" | first seq (u64) | sealed(empty) as key check.
// Record = length (u32) | seq (u64) | check (u32, from sha256 of length and seq) | sealed(statements, aad = seq).
import { createHash } from 'node:crypto';
import { open as openFile, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { open, seal } from './sealed.ts';
import { decodeStatements, encodeStatements, type Statement } from './statements.ts';
import { syncDirectory, writeFully } from './files.ts';

const magic = Buffer.from('CNSLJRN1');
const headerCheckBytes = 28; // sealed empty plaintext: nonce + tag
export const journalHeaderBytes = magic.length + 8 + headerCheckBytes;
const recordHeaderBytes = 16;
/** No record is this large; a larger length means damage, not data. */
const maxRecordBytes = 256 * 1024 * 1024;

export function journalFileName(firstSeq: bigint): string {
  return `journal-${firstSeq.toString().padStart(20, '0')}.log`;
}

export function parseJournalFileName(name: string): bigint | undefined {
  const match = /^journal-(\d{20})\.log$/.exec(name);
  return match?.[1] ? BigInt(match[1]) : undefined;
}

function seqBytes(seq: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(seq);
  return b;
}

function headerAad(firstSeq: bigint): Buffer {
  return Buffer.concat([magic, seqBytes(firstSeq)]);
}

function recordAad(seq: bigint): Buffer {
  return Buffer.concat([Buffer.from('record'), seqBytes(seq)]);
}

function recordCheck(length: number, seq: bigint): number {
  const head = Buffer.alloc(12);
  head.writeUInt32BE(length, 0);
  head.writeBigUInt64BE(seq, 4);
  return createHash('sha256').update(head).digest().readUInt32BE(0);
}

export function encodeRecord(key: Buffer, seq: bigint, statements: readonly Statement[]): Buffer {
  const body = seal(key, encodeStatements(statements), recordAad(seq));
  const head = Buffer.alloc(recordHeaderBytes);
  head.writeUInt32BE(body.length, 0);
  head.writeBigUInt64BE(seq, 4);
  head.writeUInt32BE(recordCheck(body.length, seq), 12);
  return Buffer.concat([head, body]);
}

/** The data key does not open this file: refuse to start, touch nothing. */
export class WrongKeyError extends Error {}
/** A record in the middle of the journal is damaged: acknowledged writes would be lost by going on. */
export class JournalCorruptError extends Error {}
/** Writes cannot be made durable right now (disk full, I/O error): refused until the journal recovers. */
export class JournalUnavailableError extends Error {
  constructor(cause: unknown) {
    super('storage_unavailable', { cause });
  }
}

export interface JournalRecord {
  readonly seq: bigint;
  readonly statements: Statement[];
  /** Where the record starts in its file. */
  readonly offset: number;
}

export interface JournalFileContents {
  readonly firstSeq: bigint;
  readonly records: JournalRecord[];
  /** Where the valid records end (0 when even the file header is incomplete). */
  readonly validEnd: number;
  /** Bytes after the last valid record: a write torn by a crash, never acknowledged. */
  readonly tornTail?: { offset: number; bytes: Buffer; reason: string };
}

function allZero(bytes: Buffer): boolean {
  return bytes.every((byte) => byte === 0);
}

/**
 * A file no longer than a header and holding no complete header: a creation interrupted by a crash.
 * A journal file's header is synced before its first record is written, so such a file holds no
 * record (and a longer file of zeros is damage, not this).
 */
function interruptedCreation(data: Buffer): boolean {
  if (data.length > journalHeaderBytes) return false;
  if (allZero(data)) return true;
  if (data.length === journalHeaderBytes) return false;
  const start = data.subarray(0, Math.min(data.length, magic.length));
  return start.equals(magic.subarray(0, start.length));
}

/** Reads a journal file, checking every record; a damaged record that is not the last one throws. */
export async function readJournalFile(path: string, key: Buffer): Promise<JournalFileContents> {
  const data = await readFile(path);
  const name = path.split('/').pop() ?? path;
  if (interruptedCreation(data)) {
    const firstSeq = parseJournalFileName(name) ?? 0n;
    return { firstSeq, records: [], validEnd: 0, tornTail: { offset: 0, bytes: data, reason: 'an incomplete file header (the file\'s creation was interrupted)' } };
  }
  if (data.length < journalHeaderBytes || !data.subarray(0, magic.length).equals(magic)) {
    throw new JournalCorruptError(`Journal ${name} has no valid header: it is not a Consilium journal or is damaged at byte 0.`);
  }
  const firstSeq = data.readBigUInt64BE(magic.length);
  if (!open(key, data.subarray(magic.length + 8, journalHeaderBytes), headerAad(firstSeq))) {
    // The key, or the header? If the first record opens with this key, the key is right.
    if (firstRecordOpens(data, key, firstSeq)) {
      throw new JournalCorruptError(`Journal ${name} is damaged at byte ${magic.length + 8} (its header's key check): the data key opens its records but not the key check, so the server will not start; have an operator inspect the file.`);
    }
    throw new WrongKeyError(`The data key does not open journal ${name}.`);
  }
  const records: JournalRecord[] = [];
  let offset = journalHeaderBytes;
  let expected = firstSeq;
  const torn = (reason: string): JournalFileContents => ({ firstSeq, records, validEnd: offset, tornTail: { offset, bytes: data.subarray(offset), reason } });
  const corrupt = (reason: string) => new JournalCorruptError(`Journal ${name} is damaged at byte ${offset} (record ${expected}): ${reason}. Acknowledged writes follow it, so the server will not start; restore a snapshot or have an operator inspect the file.`);

  while (offset < data.length) {
    const remaining = data.length - offset;
    if (remaining < recordHeaderBytes) return torn('an incomplete record header at the end');
    const length = data.readUInt32BE(offset);
    const seq = data.readBigUInt64BE(offset + 4);
    const end = offset + recordHeaderBytes + length;
    if (data.readUInt32BE(offset + 12) !== recordCheck(length, seq)) {
      if (allZero(data.subarray(offset))) return torn('zero bytes at the end');
      if (!recordFollows(data, offset + 1, expected, key)) return torn('damaged bytes at the end, with no record after them');
      throw corrupt('its header does not match its check value');
    }
    if (length > maxRecordBytes) throw corrupt(`an impossible length of ${length} bytes`);
    if (end > data.length) return torn('a record cut short at the end');
    if (seq !== expected) throw corrupt(`sequence number ${seq} where ${expected} was due`);
    const plain = open(key, data.subarray(offset + recordHeaderBytes, end), recordAad(seq));
    if (!plain) {
      // Nothing valid after it: the last write, never completed (zeros: the file grew, its data never reached the disk).
      if (!recordFollows(data, offset + 1, expected + 1n, key)) return torn('the last record does not decrypt');
      throw corrupt('the record does not decrypt');
    }
    records.push({ seq, statements: decodeStatements(plain), offset });
    offset = end;
    expected += 1n;
  }
  return { firstSeq, records, validEnd: offset };
}

function firstRecordOpens(data: Buffer, key: Buffer, firstSeq: bigint): boolean {
  if (data.length < journalHeaderBytes + recordHeaderBytes) return false;
  const length = data.readUInt32BE(journalHeaderBytes);
  const end = journalHeaderBytes + recordHeaderBytes + length;
  if (end > data.length) return false;
  return open(key, data.subarray(journalHeaderBytes + recordHeaderBytes, end), recordAad(firstSeq)) !== undefined;
}

/** How far past a damaged record to look for the records that would follow it. */
const followingSeqsChecked = 16n;

/**
 * Whether a whole valid record (its header checks, it decrypts; its sequence number `fromSeq` or one
 * of the next few) starts somewhere at or after `from`: then acknowledged records follow a damaged
 * one, which is corruption, not a write torn at the end (a torn batch may leave a later record's
 * header, but not a record that decrypts, after one that does not). Finds candidates by the bytes of
 * their sequence number.
 */
function recordFollows(data: Buffer, from: number, fromSeq: bigint, key: Buffer): boolean {
  for (let seq = fromSeq; seq < fromSeq + followingSeqsChecked; seq++) {
    const pattern = seqBytes(seq);
    for (let at = data.indexOf(pattern, from + 4); at !== -1; at = data.indexOf(pattern, at + 1)) {
      const start = at - 4;
      if (start + recordHeaderBytes > data.length) continue;
      const length = data.readUInt32BE(start);
      const end = start + recordHeaderBytes + length;
      if (data.readUInt32BE(start + 12) !== recordCheck(length, seq) || end > data.length) continue;
      if (open(key, data.subarray(start + recordHeaderBytes, end), recordAad(seq))) return true;
    }
  }
  return false;
}

interface Waiter {
  seq: bigint;
  resolve(): void;
  reject(error: unknown): void;
}

export interface JournalWriterOptions {
  /**
   * Called when records could not be made durable and were discarded (their callers got
   * JournalUnavailableError, so they must not take effect): whatever they changed in memory after
   * record `durableSeq` must be undone. No write is accepted until the returned promise resolves; if
   * it rejects, it is called again at the next retry.
   */
  readonly onDiscard?: (durableSeq: bigint) => Promise<void>;
  /** How long to wait between attempts to write again after a failure (default 1 s). */
  readonly retryMs?: number;
}

/** Zeros written (and cut off again) to check that the disk takes data again after a failure. */
const probeBytes = 64 * 1024;

/**
 * Appends records to one journal file; `durable(seq)` settles once the record is on stable storage.
 *
 * When a write or flush fails (disk full, I/O error), every record not yet durable is discarded:
 * `onDiscard` undoes them in memory, their waiters get JournalUnavailableError, the file is cut back
 * to its durable end, and no record is accepted until a retry (every `retryMs`) finds that the disk
 * takes data again. A write reported as failed thus never becomes durable later.
 */
export class JournalWriter {
  readonly path: string;
  readonly firstSeq: bigint;
  readonly #file: FileHandle;
  readonly #key: Buffer;
  readonly #onDiscard: JournalWriterOptions['onDiscard'];
  readonly #retryMs: number;
  #offset: number;
  #lastSeq: bigint;
  #durableSeq: bigint;
  #pending: Array<{ seq: bigint; bytes: Buffer }> = [];
  #waiters: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  #failure: unknown;
  /** Records were discarded and `onDiscard` has not yet succeeded. */
  #undoPending = false;
  #undoing: Promise<void> | undefined;
  #fileWork: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(path: string, file: FileHandle, key: Buffer, firstSeq: bigint, options: JournalWriterOptions) {
    this.path = path;
    this.#file = file;
    this.#key = key;
    this.firstSeq = firstSeq;
    this.#onDiscard = options.onDiscard;
    this.#retryMs = options.retryMs ?? 1000;
    this.#offset = journalHeaderBytes;
    this.#lastSeq = firstSeq - 1n;
    this.#durableSeq = firstSeq - 1n;
  }

  /** Creates a new journal file whose first record will be `firstSeq`, durably (header and directory entry). */
  static async create(dir: string, key: Buffer, firstSeq: bigint, options: JournalWriterOptions = {}): Promise<JournalWriter> {
    const path = join(dir, journalFileName(firstSeq));
    const file = await openFile(path, 'wx', 0o600);
    try {
      const header = Buffer.concat([magic, seqBytes(firstSeq), seal(key, Buffer.alloc(0), headerAad(firstSeq))]);
      await writeFully(file, header, 0);
      await file.sync();
      await syncDirectory(dir);
    } catch (error) {
      await file.close();
      throw error;
    }
    return new JournalWriter(path, file, key, firstSeq, options);
  }

  get lastSeq(): bigint {
    return this.#lastSeq;
  }

  /** The last record on stable storage. */
  get durableSeq(): bigint {
    return this.#durableSeq;
  }

  /** Bytes in the file plus those waiting to be written. */
  get size(): number {
    return this.#offset + this.#pending.reduce((sum, p) => sum + p.bytes.length, 0);
  }

  /** Whether a write may be accepted now (false after a failed flush, until a retry succeeds). */
  get writable(): boolean {
    return this.#failure === undefined && !this.#closed;
  }

  /** Queues one committed write; returns its sequence number. Call `durable` before acknowledging. */
  append(statements: readonly Statement[]): bigint {
    if (!this.writable) throw new JournalUnavailableError(this.#failure);
    const seq = this.#lastSeq + 1n;
    this.#pending.push({ seq, bytes: encodeRecord(this.#key, seq, statements) });
    this.#lastSeq = seq;
    this.#startFlush();
    return seq;
  }

  /**
   * Settles once record `seq` is durable, or rejects if it was discarded. Call it right after
   * `append` (in the same synchronous step): after a failure, sequence numbers are used again.
   */
  durable(seq: bigint): Promise<void> {
    if (seq <= this.#durableSeq) return Promise.resolve();
    if (seq > this.#lastSeq) return Promise.reject(new JournalUnavailableError(this.#failure));
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Waits until everything appended so far is durable (or throws why it is not). */
  async flushed(): Promise<void> {
    await this.durable(this.#lastSeq);
  }

  /** Stops retrying; waits for the flush or file repair in progress; closes the file. Never waits for the disk to recover. */
  async close(): Promise<void> {
    if (this.#closed) return;
    while (this.#flushing) await this.#flushing;
    this.#closed = true;
    clearTimeout(this.#retry);
    await this.#fileWork;
    await this.#file.close();
  }

  async #flush(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.slice();
        const bytes = Buffer.concat(batch.map((p) => p.bytes));
        await writeFully(this.#file, bytes, this.#offset);
        await this.#file.datasync();
        this.#offset += bytes.length;
        this.#pending.splice(0, batch.length);
        this.#durableSeq = batch[batch.length - 1]?.seq ?? this.#durableSeq;
        this.#settle();
      }
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#flushing = undefined;
    }
  }

  /** One flush at a time; records appended meanwhile go in its next round. */
  #startFlush(): void {
    if (!this.#flushing) this.#flushing = this.#flush();
  }

  #settle(): void {
    const still: Waiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.seq <= this.#durableSeq) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }

  /** Discards every record not yet durable; their callers learn that their write failed. */
  #fail(error: unknown): void {
    this.#failure = error;
    if (this.#pending.length > 0) this.#undoPending = true;
    this.#pending = [];
    this.#lastSeq = this.#durableSeq;
    // Begin the undo before anyone hears of the failure: a request made after hearing of it then
    // finds the discarded writes gone.
    this.#undo().catch(() => undefined);
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(new JournalUnavailableError(error));
    void this.#recover();
  }

  /** Undoes the discarded records in memory (once; again only if it failed). */
  #undo(): Promise<void> {
    if (!this.#undoPending || !this.#onDiscard) return Promise.resolve();
    const onDiscard = this.#onDiscard;
    this.#undoing ??= (async () => {
      try {
        await onDiscard(this.#durableSeq);
        this.#undoPending = false;
      } finally {
        this.#undoing = undefined;
      }
    })();
    return this.#undoing;
  }

  /**
   * Right after a failure, then every `retryMs` until it succeeds: cuts the file back to its durable
   * end (so no part of a discarded record can come back after a crash), waits for the undo in
   * memory, and checks that the disk takes data again. Only then are writes accepted again.
   */
  async #recover(): Promise<void> {
    try {
      await this.#fileStep(async () => {
        await this.#file.truncate(this.#offset);
        await this.#file.datasync();
      });
      await this.#undo();
      await this.#fileStep(async () => {
        await writeFully(this.#file, Buffer.alloc(probeBytes), this.#offset);
        await this.#file.datasync();
        await this.#file.truncate(this.#offset);
        await this.#file.datasync();
      });
      this.#failure = undefined;
    } catch (error) {
      if (this.#closed) return;
      this.#failure = error;
      this.#retry = setTimeout(() => void this.#recover(), this.#retryMs);
      this.#retry.unref();
    }
  }

  /** File work after a failure; `close` waits for it rather than closing the file under it. */
  async #fileStep(step: () => Promise<void>): Promise<void> {
    if (this.#closed) throw new Error('The journal is closed.');
    const work = step();
    this.#fileWork = work.catch(() => undefined);
    await work;
  }
}
