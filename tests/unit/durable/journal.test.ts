// The write-ahead journal with real files: records written and read back, group commit, torn tails
// (never acknowledged: set aside), damage before acknowledged records (refused), and a disk that fails.
import { createHash, randomBytes } from 'node:crypto';
import { appendFile, type FileHandle, mkdtemp, open as openFile, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { SqlQuery } from '@prisma/driver-adapter-utils';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import {
  encodeRecord,
  JournalCorruptError,
  journalFileName,
  journalHeaderBytes,
  JournalUnavailableError,
  JournalWriter,
  parseJournalFileName,
  readJournalFile,
  WrongKeyError,
} from '../../../server/db/durable/journal.ts';
import { flipBit, recordPositions } from '../../fixtures/durable.ts';

const key = randomBytes(32);
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'consilium-journal-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** One write: the statements of record `n`, recognisable when read back. */
function write(n: number): SqlQuery[] {
  return [
    { sql: 'INSERT INTO `main`.`Note` (`id`, `text`) VALUES (?, ?)', args: [`note-${n}`, 'x'.repeat(n % 50)], argTypes: [] },
    { sql: 'UPDATE `main`.`Counter` SET `value` = ?', args: [BigInt(n)], argTypes: [] },
  ];
}

/** A journal file with `count` records (seq firstSeq...), written and closed. */
async function journalWith(count: number, firstSeq = 1n): Promise<string> {
  const writer = await JournalWriter.create(dir, key, firstSeq);
  for (let n = 1; n <= count; n++) writer.append(write(n));
  await writer.flushed();
  await writer.close();
  return writer.path;
}

async function seqsIn(path: string): Promise<bigint[]> {
  return (await readJournalFile(path, key)).records.map((record) => record.seq);
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => BigInt(from + i));

/** FileHandle's prototype, to count or fail the calls every journal file makes. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await openFile(join(dir, 'prototype-probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}

function noSpace(): NodeJS.ErrnoException {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
}

describe('journal file names', () => {
  test('carry the first sequence number, zero-padded so that names sort in order', () => {
    expect(journalFileName(1n)).toBe('journal-00000000000000000001.log');
    expect(parseJournalFileName(journalFileName(123_456_789n))).toBe(123_456_789n);
    expect(parseJournalFileName('journal-1.log')).toBeUndefined();
    expect(parseJournalFileName('journal-00000000000000000001.log.tmp')).toBeUndefined();
  });
});

describe('writing and reading back', () => {
  test('many appended records read back in order, with their statements exactly', async () => {
    const path = await journalWith(500);
    const { records, tornTail, validEnd } = await readJournalFile(path, key);
    expect(records.map((r) => r.seq)).toEqual(range(1, 500));
    expect(records[41]?.statements).toEqual(write(42));
    expect(records[499]?.statements[1]?.args).toEqual([500n]);
    expect(tornTail).toBeUndefined();
    expect(validEnd).toBe((await stat(path)).size);
  });

  test('a journal started after a snapshot numbers its records from its first sequence number', async () => {
    const path = await journalWith(3, 1001n);
    expect(basename(path)).toBe('journal-00000000000000001001.log');
    const contents = await readJournalFile(path, key);
    expect(contents.firstSeq).toBe(1001n);
    expect(contents.records.map((r) => r.seq)).toEqual([1001n, 1002n, 1003n]);
  });

  test('a new journal holds its header only, and no record', async () => {
    const path = await journalWith(0);
    expect((await stat(path)).size).toBe(journalHeaderBytes);
    expect(await readJournalFile(path, key)).toMatchObject({ records: [], validEnd: journalHeaderBytes });
  });

  test('once durable() resolves, the record is in the file', async () => {
    const writer = await JournalWriter.create(dir, key, 1n);
    writer.append(write(1));
    const seq = writer.append(write(2));
    await writer.durable(seq);
    expect(await seqsIn(writer.path)).toEqual([1n, 2n]);
    await writer.close();
  });

  test('the file is readable by its owner only, and an existing journal is never overwritten', async () => {
    const path = await journalWith(1);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await expect(JournalWriter.create(dir, key, 1n)).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await seqsIn(path)).toEqual([1n]);
  });

  test('a closed journal accepts no record', async () => {
    const writer = await JournalWriter.create(dir, key, 1n);
    await writer.close();
    expect(writer.writable).toBe(false);
    expect(() => writer.append(write(1))).toThrow(JournalUnavailableError);
  });
});

describe('group commit', () => {
  test('records appended together share one flush: far fewer fsyncs than records', async () => {
    const datasync = vi.spyOn(await fileHandlePrototype(), 'datasync');
    const writer = await JournalWriter.create(dir, key, 1n);
    const acknowledged = Array.from({ length: 200 }, (_, i) => writer.durable(writer.append(write(i + 1))));
    await Promise.all(acknowledged);
    // The first record starts a flush alone; the 199 appended meanwhile go in the next one.
    expect(datasync.mock.calls.length).toBeLessThanOrEqual(2);
    expect(await seqsIn(writer.path)).toEqual(range(1, 200));
    await writer.close();
  });

  test('writers that keep arriving while a flush runs are batched too, and the order stays the order of appends', async () => {
    const datasync = vi.spyOn(await fileHandlePrototype(), 'datasync');
    const writer = await JournalWriter.create(dir, key, 1n);
    let next = 1;
    // 20 clients, each appending and awaiting durability 10 times in a row.
    const client = async () => {
      for (let i = 0; i < 10; i++) await writer.durable(writer.append(write(next++)));
    };
    await Promise.all(Array.from({ length: 20 }, client));
    expect(datasync.mock.calls.length).toBeLessThan(200 / 4);
    const { records } = await readJournalFile(writer.path, key);
    expect(records.map((r) => r.seq)).toEqual(range(1, 200));
    expect(records.map((r) => r.statements[0]?.args[0])).toEqual(range(1, 200).map((n) => `note-${n}`));
    await writer.close();
  });
});

describe('a torn tail (the last write, never acknowledged)', () => {
  const sixth = () => encodeRecord(key, 6n, write(6));
  const seventh = () => encodeRecord(key, 7n, write(7));

  test.each<[string, () => Buffer, string]>([
    ['a partial record header', () => sixth().subarray(0, 7), 'an incomplete record header at the end'],
    ['a record cut short', () => sixth().subarray(0, sixth().length - 10), 'a record cut short at the end'],
    ['zeros: the file grew but nothing reached the disk', () => Buffer.alloc(4096), 'zero bytes at the end'],
    ['a record header followed by zeros instead of its data', () => Buffer.concat([sixth().subarray(0, 16), Buffer.alloc(sixth().length - 16)]), 'the last record does not decrypt'],
    ['a batch of two records whose data never reached the disk', () => Buffer.concat([sixth().subarray(0, 16), Buffer.alloc(sixth().length - 16 + seventh().length)]), 'the last record does not decrypt'],
    [
      'a batch of two records of which only the headers reached the disk',
      () => Buffer.concat([sixth().subarray(0, 16), Buffer.alloc(sixth().length - 16), seventh().subarray(0, 16), Buffer.alloc(seventh().length - 16)]),
      'the last record does not decrypt',
    ],
    ['garbage', () => randomBytes(300), 'damaged bytes at the end, with no record after them'],
  ])('%s after the last record: the records before are kept, the tail is reported', async (_what, tail, reason) => {
    const path = await journalWith(5);
    const end = (await stat(path)).size;
    const bytes = tail();
    await appendFile(path, bytes);
    const contents = await readJournalFile(path, key);
    expect(contents.records.map((r) => r.seq)).toEqual(range(1, 5));
    expect(contents.validEnd).toBe(end);
    expect(contents.tornTail).toEqual({ offset: end, bytes, reason });
  });

  test.each<[string, (offset: number) => number]>([
    ['its data', (offset) => offset + 16 + 20],
    ['its length field', (offset) => offset + 3],
    ['its check value', (offset) => offset + 12],
  ])('the last record damaged in %s: it is the torn one, the records before are kept', async (_part, where) => {
    const path = await journalWith(5);
    const last = (await recordPositions(path))[4];
    if (!last) throw new Error('no fifth record');
    await flipBit(path, where(last.offset));
    const contents = await readJournalFile(path, key);
    expect(contents.records.map((r) => r.seq)).toEqual(range(1, 4));
    expect(contents.tornTail?.offset).toBe(last.offset);
    expect(contents.tornTail?.bytes.length).toBe(last.size);
  });

  test.each<[string, Buffer]>([
    ['empty', Buffer.alloc(0)],
    ['cut within its header', Buffer.from('CNSLJRN1\0\0')],
    ['zeros the size of a header', Buffer.alloc(journalHeaderBytes)],
  ])('a journal file whose creation was interrupted (%s) holds no record: all of it is the torn tail', async (_what, bytes) => {
    const path = join(dir, journalFileName(7n));
    await writeFile(path, bytes);
    const contents = await readJournalFile(path, key);
    expect(contents).toMatchObject({ firstSeq: 7n, records: [], validEnd: 0 });
    expect(contents.tornTail?.offset).toBe(0);
    expect(contents.tornTail?.bytes).toEqual(bytes);
  });
});

describe('damage followed by acknowledged records', () => {
  test('a file of zeros longer than a header is damage, not an interrupted creation (the header is synced before any record)', async () => {
    const path = join(dir, journalFileName(1n));
    await writeFile(path, Buffer.alloc(journalHeaderBytes + 1));
    await expect(readJournalFile(path, key)).rejects.toThrow(JournalCorruptError);
  });


  test.each<[string, (offset: number) => number, string]>([
    ['its data', (offset) => offset + 16 + 5, 'the record does not decrypt'],
    ['its length field', (offset) => offset + 2, 'its header does not match its check value'],
    ['its sequence number', (offset) => offset + 11, 'its header does not match its check value'],
    ['its check value', (offset) => offset + 15, 'its header does not match its check value'],
  ])('a flipped bit in %s of a middle record: refused, naming the file and the byte where the record starts', async (_part, where, reason) => {
    const path = await journalWith(5);
    const third = (await recordPositions(path))[2];
    if (!third) throw new Error('no third record');
    await flipBit(path, where(third.offset));
    const read = readJournalFile(path, key);
    await expect(read).rejects.toThrow(JournalCorruptError);
    await expect(read).rejects.toThrow(`Journal ${basename(path)} is damaged at byte ${third.offset} (record 3): ${reason}.`);
  });

  test('a flipped bit in the first of many records is refused at byte 44, right after the file header', async () => {
    const path = await journalWith(50);
    await flipBit(path, journalHeaderBytes + 16 + 1, 7);
    expect(journalHeaderBytes).toBe(8 + 8 + 28);
    await expect(readJournalFile(path, key)).rejects.toThrow(/is damaged at byte 44 \(record 1\)/);
  });

  test('a gap in the sequence is refused, naming the byte of the record out of place', async () => {
    const path = await journalWith(0);
    const records = [encodeRecord(key, 1n, write(1)), encodeRecord(key, 2n, write(2)), encodeRecord(key, 4n, write(4))];
    await appendFile(path, Buffer.concat(records));
    const offset = journalHeaderBytes + (records[0]?.length ?? 0) + (records[1]?.length ?? 0);
    await expect(readJournalFile(path, key)).rejects.toThrow(`is damaged at byte ${offset} (record 3): sequence number 4 where 3 was due.`);
  });

  test('a record moved from elsewhere (its sequence number does not match its place) is refused', async () => {
    const path = await journalWith(0, 10n);
    await appendFile(path, encodeRecord(key, 1n, write(1)));
    await expect(readJournalFile(path, key)).rejects.toThrow('sequence number 1 where 10 was due');
  });

  test('a record header with a valid check but an impossible length is refused', async () => {
    const path = await journalWith(2);
    const head = Buffer.alloc(16);
    head.writeUInt32BE(0x7fff_ffff, 0);
    head.writeBigUInt64BE(3n, 4);
    head.writeUInt32BE(createHash('sha256').update(head.subarray(0, 12)).digest().readUInt32BE(0), 12);
    await appendFile(path, head);
    await expect(readJournalFile(path, key)).rejects.toThrow('an impossible length of 2147483647 bytes');
  });
});

describe('the file header', () => {
  test('a file that is not a journal is refused at byte 0', async () => {
    const path = join(dir, journalFileName(1n));
    await writeFile(path, Buffer.alloc(200, 'x'));
    await expect(readJournalFile(path, key)).rejects.toThrow(`Journal ${basename(path)} has no valid header: it is not a Consilium journal or is damaged at byte 0.`);
  });

  test('another key: WrongKeyError naming the file, before reading any record', async () => {
    const path = await journalWith(3);
    const read = readJournalFile(path, randomBytes(32));
    await expect(read).rejects.toThrow(WrongKeyError);
    await expect(read).rejects.toThrow(`The data key does not open journal ${basename(path)}.`);
  });

  test('a damaged key check whose records open with the key: damage at byte 16, not a wrong key', async () => {
    const path = await journalWith(3);
    await flipBit(path, 20);
    const read = readJournalFile(path, key);
    await expect(read).rejects.toThrow(JournalCorruptError);
    await expect(read).rejects.toThrow(`Journal ${basename(path)} is damaged at byte 16 (its header's key check)`);
  });
});

describe('when the disk fails (full, or an I/O error)', () => {
  /** Makes every write to a file fail while `failing` is true; returns the switch. */
  async function failingWrites(options: { partialFirst?: boolean } = {}) {
    const prototype = await fileHandlePrototype();
    const realWrite = prototype.write as (...args: unknown[]) => Promise<unknown>;
    const state = { failing: false, partialDone: false };
    vi.spyOn(prototype, 'write').mockImplementation(async function (this: FileHandle, ...args: unknown[]) {
      if (state.failing) {
        // The disk takes half of the first write, then nothing.
        if (options.partialFirst && !state.partialDone && Buffer.isBuffer(args[0])) {
          state.partialDone = true;
          const [buffer, offset, length, position] = args as [Buffer, number, number, number];
          return realWrite.call(this, buffer, offset, Math.floor(length / 2), position);
        }
        throw noSpace();
      }
      return realWrite.apply(this, args);
    } as FileHandle['write']);
    return state;
  }

  test('the waiting writes fail with storage_unavailable; further writes are refused; nothing of them reaches the file', async () => {
    const disk = await failingWrites();
    const discarded: bigint[] = [];
    const writer = await JournalWriter.create(dir, key, 1n, { retryMs: 10, onDiscard: async (durableSeq) => void discarded.push(durableSeq) });
    await writer.durable(writer.append(write(1)));

    disk.failing = true;
    const second = writer.durable(writer.append(write(2)));
    const third = writer.durable(writer.append(write(3)));
    await expect(second).rejects.toThrow(JournalUnavailableError);
    await expect(third).rejects.toThrow('storage_unavailable');
    await expect(second).rejects.toMatchObject({ cause: { code: 'ENOSPC' } });
    expect(writer.writable).toBe(false);
    expect(() => writer.append(write(4))).toThrow(JournalUnavailableError);
    await vi.waitFor(() => expect(discarded).toEqual([1n]));
    // Still full: the retries keep finding that out, and writes stay refused.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(writer.writable).toBe(false);
    expect(await seqsIn(writer.path)).toEqual([1n]);
    await writer.close();
  });

  test('once the disk takes data again, writes are accepted again, numbered right after the last durable one', async () => {
    const disk = await failingWrites();
    const writer = await JournalWriter.create(dir, key, 1n, { retryMs: 10, onDiscard: async () => undefined });
    await writer.durable(writer.append(write(1)));
    disk.failing = true;
    await expect(writer.durable(writer.append(write(2)))).rejects.toThrow(JournalUnavailableError);

    disk.failing = false;
    await vi.waitFor(() => expect(writer.writable).toBe(true));
    const seq = writer.append(write(20));
    expect(seq).toBe(2n);
    await writer.durable(seq);
    const { records, tornTail } = await readJournalFile(writer.path, key);
    expect(records.map((r) => r.statements[0]?.args[0])).toEqual(['note-1', 'note-20']);
    expect(tornTail).toBeUndefined();
    await writer.close();
  });

  test('the discarded writes are undone before their callers hear of the failure', async () => {
    const disk = await failingWrites();
    const events: string[] = [];
    const writer = await JournalWriter.create(dir, key, 1n, { retryMs: 10, onDiscard: async () => void events.push('undo') });
    disk.failing = true;
    const failed = writer.durable(writer.append(write(1))).catch(() => events.push('caller told'));
    await failed;
    expect(events).toEqual(['undo', 'caller told']);
    await writer.close();
  });

  test('part of a failed write that reached the file is cut off again, before writes are accepted again', async () => {
    const disk = await failingWrites({ partialFirst: true });
    const writer = await JournalWriter.create(dir, key, 1n, { retryMs: 10, onDiscard: async () => undefined });
    await writer.durable(writer.append(write(1)));
    const durableEnd = (await stat(writer.path)).size;
    disk.failing = true;
    await expect(writer.durable(writer.append(write(2)))).rejects.toThrow(JournalUnavailableError);
    expect(disk.partialDone).toBe(true);
    await vi.waitFor(async () => expect((await stat(writer.path)).size).toBe(durableEnd));
    disk.failing = false;
    await vi.waitFor(() => expect(writer.writable).toBe(true));
    expect((await stat(writer.path)).size).toBe(durableEnd);
    expect((await readJournalFile(writer.path, key)).tornTail).toBeUndefined();
    await writer.close();
  });

  test('writes stay refused until onDiscard succeeds; a failed undo is tried again', async () => {
    const disk = await failingWrites();
    let attempts = 0;
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const writer = await JournalWriter.create(dir, key, 1n, {
      retryMs: 10,
      onDiscard: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('rollback failed');
        await released;
      },
    });
    disk.failing = true;
    await expect(writer.durable(writer.append(write(1)))).rejects.toThrow(JournalUnavailableError);
    disk.failing = false;
    await vi.waitFor(() => expect(attempts).toBe(2));
    expect(writer.writable).toBe(false);
    release();
    await vi.waitFor(() => expect(writer.writable).toBe(true));
    await writer.close();
  });

  test('flushed() and a late durable() of a discarded record do not wait forever', async () => {
    const disk = await failingWrites();
    const writer = await JournalWriter.create(dir, key, 1n, { retryMs: 10_000 });
    disk.failing = true;
    const seq = writer.append(write(1));
    await expect(writer.flushed()).rejects.toThrow(JournalUnavailableError);
    await expect(writer.durable(seq)).rejects.toThrow(JournalUnavailableError);
    await writer.close();
  });

  test('close() while the disk stays full returns (it does not wait for the disk)', { timeout: 5000 }, async () => {
    const disk = await failingWrites();
    const writer = await JournalWriter.create(dir, key, 1n, { retryMs: 5 });
    await writer.durable(writer.append(write(1)));
    disk.failing = true;
    const pending = expect(writer.durable(writer.append(write(2)))).rejects.toThrow(JournalUnavailableError);
    await writer.close();
    await pending;
    disk.failing = false;
    expect(await seqsIn(writer.path)).toEqual([1n]);
  });
});

describe('encoded records', () => {
  test('hold no plaintext of their statements', () => {
    const record = encodeRecord(key, 1n, [{ sql: 'INSERT INTO `main`.`User` (`lastName`) VALUES (?)', args: ['Quetzalcoatl-Vandenbroucke'], argTypes: [] }]);
    expect(record.includes('Quetzalcoatl')).toBe(false);
    expect(record.includes('INSERT')).toBe(false);
    expect(record.includes(Buffer.from('Quetzalcoatl', 'utf16le'))).toBe(false);
  });

  test('are bound to their sequence number: the same bytes do not read as another record', async () => {
    const path = await journalWith(0, 2n);
    const first = encodeRecord(key, 1n, write(1));
    // Rewrite only the header's seq (with a valid check): the sealed body still says record 1.
    first.writeBigUInt64BE(2n, 4);
    first.writeUInt32BE(createHash('sha256').update(first.subarray(0, 12)).digest().readUInt32BE(0), 12);
    await appendFile(path, Buffer.concat([first, encodeRecord(key, 3n, write(3))]));
    await expect(readJournalFile(path, key)).rejects.toThrow('(record 2): the record does not decrypt');
  });
});

// Keep the reader's view of the bytes honest: these helpers read headers on their own.
test('recordPositions (test helper) finds the records the reader finds', async () => {
  const path = await journalWith(7);
  const positions = await recordPositions(path);
  const { records } = await readJournalFile(path, key);
  expect(positions.map((p) => p.seq)).toEqual(records.map((r) => r.seq));
  expect(positions.map((p) => p.offset)).toEqual(records.map((r) => r.offset));
  expect((await readFile(path)).length).toBe((positions.at(-1)?.offset ?? 0) + (positions.at(-1)?.size ?? 0));
});
