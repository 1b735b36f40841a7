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
}

export interface JournalFileContents {
  readonly firstSeq: bigint;
  readonly records: JournalRecord[];
  /** Where the valid records end. */
  readonly validEnd: number;
  /** Bytes after the last valid record: a write torn by a crash, never acknowledged. */
  readonly tornTail?: { offset: number; bytes: Buffer; reason: string };
}

/** Reads a journal file, checking every record; a damaged record that is not the last one throws. */
export async function readJournalFile(path: string, key: Buffer): Promise<JournalFileContents> {
  const data = await readFile(path);
  const name = path.split('/').pop() ?? path;
  if (data.length < journalHeaderBytes || !data.subarray(0, magic.length).equals(magic)) {
    throw new JournalCorruptError(`Journal ${name} has no valid header: it is not a Consilium journal or is damaged at byte 0.`);
  }
  const firstSeq = data.readBigUInt64BE(magic.length);
  if (!open(key, data.subarray(magic.length + 8, journalHeaderBytes), headerAad(firstSeq))) {
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
      if (data.subarray(offset).every((byte) => byte === 0)) return torn('zero bytes at the end');
      throw corrupt('its header does not match its check value');
    }
    if (length > maxRecordBytes) throw corrupt(`an impossible length of ${length} bytes`);
    if (end > data.length) return torn('a record cut short at the end');
    if (seq !== expected) throw corrupt(`sequence number ${seq} where ${expected} was due`);
    const plain = open(key, data.subarray(offset + recordHeaderBytes, end), recordAad(seq));
    if (!plain) {
      if (end === data.length) return torn('the last record does not decrypt');
      throw corrupt('the record does not decrypt');
    }
    records.push({ seq, statements: decodeStatements(plain) });
    offset = end;
    expected += 1n;
  }
  return { firstSeq, records, validEnd: offset };
}

interface Waiter {
  seq: bigint;
  resolve(): void;
  reject(error: unknown): void;
}

/** Appends records to one journal file; `durable(seq)` settles once the record is on stable storage. */
export class JournalWriter {
  readonly path: string;
  readonly firstSeq: bigint;
  readonly #file: FileHandle;
  readonly #key: Buffer;
  #offset: number;
  #lastSeq: bigint;
  #durableSeq: bigint;
  #pending: Array<{ seq: bigint; bytes: Buffer }> = [];
  #waiters: Waiter[] = [];
  #flushing: Promise<void> | undefined;
  #failure: unknown;
  #retry: NodeJS.Timeout | undefined;
  #closed = false;

  private constructor(path: string, file: FileHandle, key: Buffer, firstSeq: bigint) {
    this.path = path;
    this.#file = file;
    this.#key = key;
    this.firstSeq = firstSeq;
    this.#offset = journalHeaderBytes;
    this.#lastSeq = firstSeq - 1n;
    this.#durableSeq = firstSeq - 1n;
  }

  /** Creates a new journal file whose first record will be `firstSeq`, durably (header and directory entry). */
  static async create(dir: string, key: Buffer, firstSeq: bigint): Promise<JournalWriter> {
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
    return new JournalWriter(path, file, key, firstSeq);
  }

  get lastSeq(): bigint {
    return this.#lastSeq;
  }

  /** Bytes in the file plus those waiting to be written. */
  get size(): number {
    return this.#offset + this.#pending.reduce((sum, p) => sum + p.bytes.length, 0);
  }

  /** Whether a write may be accepted now (false after a failed flush, until it succeeds again). */
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

  durable(seq: bigint): Promise<void> {
    if (seq <= this.#durableSeq) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Waits until everything appended so far is durable (or throws why it is not). */
  async flushed(): Promise<void> {
    await this.durable(this.#lastSeq);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    clearTimeout(this.#retry);
    await this.flushed().catch(() => undefined);
    this.#closed = true;
    await this.#file.close();
  }

  async #flush(): Promise<void> {
    try {
      while (this.#pending.length > 0) {
        const batch = this.#pending.slice();
        const bytes = Buffer.concat(batch.map((p) => p.bytes));
        // Positional writes: a failed attempt is retried at the same offset, never appended twice.
        await writeFully(this.#file, bytes, this.#offset);
        await this.#file.datasync();
        this.#offset += bytes.length;
        this.#pending.splice(0, batch.length);
        this.#durableSeq = batch[batch.length - 1]?.seq ?? this.#durableSeq;
        this.#failure = undefined;
        this.#settle();
      }
    } catch (error) {
      this.#failure = error;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const waiter of waiters) waiter.reject(new JournalUnavailableError(error));
      // Keep the unwritten records in order and try again: the memory already holds them.
      this.#retry = setTimeout(() => this.#startFlush(), 1000);
      this.#retry.unref();
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
}
