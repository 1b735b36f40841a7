// The blob store keeps files encrypted and whole: content-addressed, chunked, verified on read.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { BlobError, copyBlobs, memoryBlobStore, openDiskBlobStore } from '../../../server/blobs/store.ts';
import { deriveKeys } from '../../../server/db/durable/keys.ts';
import { plaintextForms } from '../../fixtures/durable.ts';
import { thrown } from '../../fixtures/errors.ts';

const keys = deriveKeys(Buffer.alloc(32, 1)).blobs;
const otherKeys = deriveKeys(Buffer.alloc(32, 2)).blobs;
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'consilium-blobs-'));
  dirs.push(dir);
  return dir;
}
const reason = async (call: Promise<unknown>): Promise<string> => (await thrown(call, BlobError)).reason;
async function* pieces(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}
const blobPath = (dir: string, id: string) => join(dir, id.slice(0, 2), id);

describe('disk blob store', () => {
  test.each([
    ['empty', Buffer.alloc(0)],
    ['small', Buffer.from('a lab report')],
    ['several chunks and a remainder', randomBytes(3 * 256 * 1024 + 17)],
  ])('stores and returns a %s file exactly', async (_name, content) => {
    const store = await openDiskBlobStore(await tempDir(), keys);
    const ref = await store.put(content);
    expect(ref.size).toBe(content.length);
    expect(await store.read(ref.id)).toEqual(content);
    expect(await store.has(ref.id)).toBe(true);
  });

  test('takes streamed input in pieces of any size, giving the same address as the whole', async () => {
    const store = await openDiskBlobStore(await tempDir(), keys);
    const content = randomBytes(700_000);
    const streamed = await store.put(pieces(content, 65_537));
    expect(streamed).toEqual(await store.put(content));
    expect(await store.read(streamed.id)).toEqual(content);
  });

  test('stores equal files once; the address depends on the directory key, not only the content', async () => {
    const dir = await tempDir();
    const store = await openDiskBlobStore(dir, keys);
    const a = await store.put(Buffer.from('same'));
    const b = await store.put(Buffer.from('same'));
    expect(a.id).toBe(b.id);
    expect(await store.list()).toEqual([a.id]);
    const elsewhere = await openDiskBlobStore(await tempDir(), keys);
    expect((await elsewhere.put(Buffer.from('same'))).id).not.toBe(a.id);
  });

  test('keeps no plaintext on disk, and files are private to the server', async () => {
    const dir = await tempDir();
    const store = await openDiskBlobStore(dir, keys);
    const secret = 'Philomena Quarterbridge, born 1987-03-04, ORPHA:558';
    const ref = await store.put(Buffer.from(secret.repeat(50)));
    const bytes = await readFile(blobPath(dir, ref.id));
    for (const form of plaintextForms('Quarterbridge')) expect(bytes.includes(form)).toBe(false);
    expect((await stat(blobPath(dir, ref.id))).mode & 0o777).toBe(0o600);
  });

  test('refuses a file over the limit and leaves nothing behind', async () => {
    const dir = await tempDir();
    const store = await openDiskBlobStore(dir, keys);
    expect(await reason(store.put(pieces(randomBytes(1_000_000), 100_000), 500_000))).toBe('too_large');
    expect(await store.list()).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  test('a staged blob is readable only once committed; a discarded one leaves nothing behind', async () => {
    const dir = await tempDir();
    const store = await openDiskBlobStore(dir, keys);
    const staged = await store.stage(pieces(Buffer.from('staged report'.repeat(1000)), 4096));
    expect(await store.has(staged.id)).toBe(false);
    expect(await reason(store.read(staged.id))).toBe('not_found');
    await staged.commit();
    expect(await store.read(staged.id)).toEqual(Buffer.from('staged report'.repeat(1000)));

    const dropped = await store.stage(Buffer.from('never placed'));
    await dropped.discard();
    expect(await store.has(dropped.id)).toBe(false);
    expect(await store.list()).toEqual([staged.id]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  test('committing equal bytes again keeps the blob readable, and a blob deleted meanwhile comes back', async () => {
    const dir = await tempDir();
    const store = await openDiskBlobStore(dir, keys);
    const first = await store.stage(Buffer.from('same scan'));
    const second = await store.stage(Buffer.from('same scan'));
    await first.commit();
    await store.delete(first.id);
    await second.commit();
    expect(await store.read(second.id)).toEqual(Buffer.from('same scan'));
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  test('a stream that fails midway (client gone) leaves nothing behind', async () => {
    const dir = await tempDir();
    const store = await openDiskBlobStore(dir, keys);
    async function* cut(): AsyncGenerator<Buffer> {
      yield randomBytes(300_000);
      throw new Error('aborted');
    }
    await expect(store.stage(cut())).rejects.toThrow('aborted');
    expect(await store.list()).toEqual([]);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  test('detects a changed byte, a file cut at a chunk boundary, and a file swapped under another address', async () => {
    const dir = await tempDir();
    const store = await openDiskBlobStore(dir, keys);
    const big = await store.put(randomBytes(600_000));
    const small = await store.put(Buffer.from('another file'));
    const path = blobPath(dir, big.id);
    const original = await readFile(path);

    const flipped = Buffer.from(original);
    flipped[original.length >> 1] = (flipped[original.length >> 1] ?? 0) ^ 1;
    await writeFile(path, flipped);
    expect(await reason(store.read(big.id))).toBe('damaged');

    // Header (24) + first chunk (4 + 12 + 256 KiB + 16): a file of whole chunks, the last one missing.
    await writeFile(path, original.subarray(0, 24 + 4 + 12 + 256 * 1024 + 16));
    expect(await reason(store.read(big.id))).toBe('damaged');

    await writeFile(path, await readFile(blobPath(dir, small.id)));
    expect(await reason(store.read(big.id))).toBe('damaged');
  });

  test('an unknown or malformed address is not found', async () => {
    const store = await openDiskBlobStore(await tempDir(), keys);
    expect(await reason(store.read('0'.repeat(64)))).toBe('not_found');
    expect(await reason(store.read('../../etc/passwd'))).toBe('not_found');
  });

  test('another data key cannot open the store', async () => {
    const dir = await tempDir();
    await openDiskBlobStore(dir, keys);
    expect(await reason(openDiskBlobStore(dir, otherKeys))).toBe('wrong_key');
  });

  test('unfinished writes left by a crash are removed at open', async () => {
    const dir = await tempDir();
    await openDiskBlobStore(dir, keys);
    await writeFile(join(dir, 'tmp', 'abc.part'), 'half a file');
    await openDiskBlobStore(dir, keys);
    expect(await readdir(join(dir, 'tmp'))).toEqual([]);
  });

  test('copying under new keys keeps every address and content', async () => {
    const from = await tempDir();
    const to = await tempDir();
    const source = await openDiskBlobStore(from, keys);
    const refs = [await source.put(Buffer.from('one')), await source.put(randomBytes(300_000))];
    expect(await copyBlobs({ dir: from, keys }, { dir: to, keys: otherKeys })).toBe(2);
    const target = await openDiskBlobStore(to, otherKeys);
    for (const ref of refs) expect(await target.read(ref.id)).toEqual(await source.read(ref.id));
    expect(await reason(openDiskBlobStore(to, keys))).toBe('wrong_key');
  });
});

test('the memory store (ephemeral servers) behaves the same for callers', async () => {
  const store = memoryBlobStore();
  const ref = await store.put(Buffer.from('in memory only'));
  expect(await store.read(ref.id)).toEqual(Buffer.from('in memory only'));
  expect(await reason(store.put(Buffer.alloc(10), 5))).toBe('too_large');
  await store.delete(ref.id);
  expect(await reason(store.read(ref.id))).toBe('not_found');
  const staged = await store.stage(Buffer.from('staged'));
  expect(await store.has(staged.id)).toBe(false);
  await staged.commit();
  expect(await store.read(staged.id)).toEqual(Buffer.from('staged'));
});
