// The encrypted, content-addressed store for files and DICOM instances. A blob's address is a keyed
// hash (HMAC-SHA256) of its content, so equal files are stored once and the address reveals nothing.
// The address key is random per data directory and kept in it sealed under the data key, so that
// rotating the data key re-encrypts blobs without changing their addresses.
// On disk: chunks sealed with AES-256-GCM (index and last-chunk flag bound in), written to a temp file,
// fsynced, renamed into place and the directory fsynced: a blob is wholly there or not at all.
import { createHmac, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { syncDirectory, writeFileAtomically, writeFully } from '../db/durable/files.ts';
import { open as unseal, seal } from '../db/durable/sealed.ts';

export interface BlobKeys {
  /** Encrypts the content. */
  readonly content: Buffer;
  /** Seals the directory's address key. */
  readonly wrap: Buffer;
}

export interface BlobRef {
  readonly id: string;
  readonly size: number;
}

/** Bytes stored, sealed, but not yet under their address: nothing reads them until committed. */
export interface StagedBlob extends BlobRef {
  /** Puts the bytes under their address (nothing to do when equal bytes are there already). */
  commit(): Promise<void>;
  /** Drops the bytes; the address is left as it was. */
  discard(): Promise<void>;
}

export interface BlobStore {
  /** Stores the bytes (streamed in chunks); refuses more than `maxBytes`. */
  put(data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes?: number): Promise<BlobRef>;
  /**
   * Streams the bytes in like `put`, but places them under their address only on `commit`, so
   * that a caller can place them and record what refers to them in one step (server/blobs/shared.ts).
   * Every staged blob must be committed or discarded.
   */
  stage(data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes?: number): Promise<StagedBlob>;
  /** The whole blob, verified; BlobError('not_found' | 'damaged') otherwise. */
  read(id: string): Promise<Buffer>;
  has(id: string): Promise<boolean>;
  delete(id: string): Promise<void>;
}

export class BlobError extends Error {
  constructor(readonly reason: 'not_found' | 'too_large' | 'damaged' | 'wrong_key', message: string) {
    super(message);
  }
}

const addressKeyFile = 'ADDRESS_KEY';

/** The directory's address key: read and unsealed, or (new directory) `initial` or random, sealed and written. */
async function addressKeyOf(dir: string, keys: BlobKeys, initial?: Buffer): Promise<Buffer> {
  const path = join(dir, addressKeyFile);
  const aad = Buffer.from('consilium blob address key');
  if (await exists(path)) {
    const key = unseal(keys.wrap, await readFile(path), aad);
    if (!key) throw new BlobError('wrong_key', `The data key does not open the blob store's ${addressKeyFile}.`);
    return key;
  }
  const key = initial ?? randomBytes(32);
  await writeFileAtomically(path, seal(keys.wrap, key, aad));
  return key;
}

const magic = Buffer.from('CNSLBLB1');
const chunkBytes = 256 * 1024;
const idPattern = /^[0-9a-f]{64}$/;

function chunkAad(salt: Buffer, index: number, last: boolean): Buffer {
  const b = Buffer.alloc(5);
  b.writeUInt32BE(index, 0);
  b.writeUInt8(last ? 1 : 0, 4);
  return Buffer.concat([magic, salt, b]);
}

async function* asChunks(data: AsyncIterable<Uint8Array> | Uint8Array): AsyncGenerator<Buffer> {
  if (data instanceof Uint8Array) {
    for (let i = 0; i < data.length; i += chunkBytes) yield Buffer.from(data.subarray(i, i + chunkBytes));
    return;
  }
  let pending = Buffer.alloc(0);
  for await (const piece of data) {
    pending = Buffer.concat([pending, piece]);
    while (pending.length >= chunkBytes) {
      yield pending.subarray(0, chunkBytes);
      pending = pending.subarray(chunkBytes);
    }
  }
  if (pending.length > 0) yield pending;
}

/** A blob store in a directory of the data directory (durable servers). */
export async function openDiskBlobStore(dir: string, keys: BlobKeys, initialAddressKey?: Buffer): Promise<BlobStore & { readonly addressKey: Buffer; list(): Promise<string[]> }> {
  const temp = join(dir, 'tmp');
  await mkdir(temp, { recursive: true, mode: 0o700 });
  const addressKey = await addressKeyOf(dir, keys, initialAddressKey);
  // Unfinished writes from before a crash: never renamed into place, so never referenced.
  for (const name of await readdir(temp)) await unlink(join(temp, name)).catch(() => undefined);
  const pathOf = (id: string) => {
    if (!idPattern.test(id)) throw new BlobError('not_found', 'No such blob.');
    return join(dir, id.slice(0, 2), id);
  };

  async function stage(data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StagedBlob> {
    const salt = randomBytes(16);
    const tempPath = join(temp, `${salt.toString('hex')}.part`);
    const file = await open(tempPath, 'wx', 0o600);
    const address = createHmac('sha256', addressKey);
    let size = 0;
    let position = 0;
    let index = 0;
    try {
      const header = Buffer.concat([magic, salt]);
      await writeFully(file, header, position);
      position += header.length;
      // One chunk of look-ahead, so the last chunk can be sealed as the last.
      let previous: Buffer | undefined;
      const writeChunk = async (chunk: Buffer, last: boolean) => {
        const sealed = seal(keys.content, chunk, chunkAad(salt, index, last));
        const length = Buffer.alloc(4);
        length.writeUInt32BE(sealed.length);
        await writeFully(file, Buffer.concat([length, sealed]), position);
        position += 4 + sealed.length;
        index += 1;
      };
      for await (const chunk of asChunks(data)) {
        size += chunk.length;
        if (size > maxBytes) throw new BlobError('too_large', `The file is larger than the limit of ${maxBytes} bytes.`);
        address.update(chunk);
        if (previous) await writeChunk(previous, false);
        previous = chunk;
      }
      await writeChunk(previous ?? Buffer.alloc(0), true);
      await file.sync();
    } catch (error) {
      await file.close();
      await rm(tempPath, { force: true });
      throw error;
    }
    await file.close();
    const id = address.digest('hex');
    const target = pathOf(id);
    return {
      id,
      size,
      async commit() {
        if (await exists(target)) {
          await rm(tempPath, { force: true });
          return;
        }
        await mkdir(join(dir, id.slice(0, 2)), { recursive: true, mode: 0o700 });
        await rename(tempPath, target);
        await syncDirectory(join(dir, id.slice(0, 2)));
      },
      discard: () => rm(tempPath, { force: true }),
    };
  }

  return {
    addressKey,
    async list() {
      const ids: string[] = [];
      for (const prefix of await readdir(dir)) {
        if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
        ids.push(...(await readdir(join(dir, prefix))).filter((name) => idPattern.test(name)));
      }
      return ids.sort();
    },
    put: (data, maxBytes) => putStaged(stage, data, maxBytes),
    stage,

    async read(id) {
      const path = pathOf(id);
      let file: Buffer;
      try {
        file = await readFile(path);
      } catch {
        throw new BlobError('not_found', 'No such blob.');
      }
      const damaged = () => new BlobError('damaged', `Blob ${id.slice(0, 12)}… is damaged or was swapped.`);
      if (!file.subarray(0, magic.length).equals(magic)) throw damaged();
      const salt = file.subarray(magic.length, magic.length + 16);
      const parts: Buffer[] = [];
      let offset = magic.length + 16;
      for (let index = 0; offset < file.length; index++) {
        if (offset + 4 > file.length) throw damaged();
        const length = file.readUInt32BE(offset);
        const end = offset + 4 + length;
        if (end > file.length) throw damaged();
        const plain = unseal(keys.content, file.subarray(offset + 4, end), chunkAad(salt, index, end === file.length));
        if (!plain) throw damaged();
        parts.push(plain);
        offset = end;
      }
      const content = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts);
      // The address binds the content: a file moved under another blob's name is caught here.
      if (parts.length === 0 || createHmac('sha256', addressKey).update(content).digest('hex') !== id) throw damaged();
      return content;
    },

    has: (id) => exists(pathOf(id)),

    async delete(id) {
      await rm(pathOf(id), { force: true });
    },
  };
}

/** `put` as `stage` then `commit`. */
async function putStaged(stage: BlobStore['stage'], data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes: number | undefined): Promise<BlobRef> {
  const staged = await stage(data, maxBytes);
  await staged.commit();
  return { id: staged.id, size: staged.size };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A blob store in memory (ephemeral servers: no data directory at all). */
export function memoryBlobStore(): BlobStore {
  const addressKey = randomBytes(32);
  const blobs = new Map<string, Buffer>();
  async function stage(data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes = Number.MAX_SAFE_INTEGER): Promise<StagedBlob> {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of asChunks(data)) {
      size += chunk.length;
      if (size > maxBytes) throw new BlobError('too_large', `The file is larger than the limit of ${maxBytes} bytes.`);
      parts.push(chunk);
    }
    const content = Buffer.concat(parts);
    const id = createHmac('sha256', addressKey).update(content).digest('hex');
    return {
      id,
      size,
      commit: async () => {
        if (!blobs.has(id)) blobs.set(id, content);
      },
      discard: async () => undefined,
    };
  }
  return {
    put: (data, maxBytes) => putStaged(stage, data, maxBytes),
    stage,
    async read(id) {
      const content = blobs.get(id);
      if (!content) throw new BlobError('not_found', 'No such blob.');
      return Buffer.from(content);
    },
    has: async (id) => blobs.has(id),
    delete: async (id) => {
      blobs.delete(id);
    },
  };
}

/** Re-encrypts every blob of `from` into `to` under new keys; addresses stay the same. */
export async function copyBlobs(from: { dir: string; keys: BlobKeys }, to: { dir: string; keys: BlobKeys }): Promise<number> {
  const source = await openDiskBlobStore(from.dir, from.keys);
  const target = await openDiskBlobStore(to.dir, to.keys, source.addressKey);
  const ids = await source.list();
  for (const id of ids) {
    const copy = await target.put(await source.read(id));
    if (copy.id !== id) throw new BlobError('damaged', `Blob ${id.slice(0, 12)}… changed address while being copied.`);
  }
  return ids.length;
}
