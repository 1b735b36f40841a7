// Blobs shared by content: equal files are stored once, so a blob may be deleted only when nothing
// refers to it any more. Placing a blob and recording what refers to it, and checking the references
// and deleting, each run under the blob's lock, so an upload of the same bytes as a file being
// deleted can never end with a row that points at a deleted blob.
import type { BlobRef, BlobStore } from './store.ts';

/** Runs tasks one at a time per key (in-process; one server owns a data directory). */
class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await task();
    } finally {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}

export class SharedBlobs {
  readonly #lock = new KeyedLock();

  /**
   * @param store where the bytes live
   * @param isReferenced whether any record still refers to the blob (every table that holds blob ids)
   */
  constructor(
    readonly store: BlobStore,
    private readonly isReferenced: (blobId: string) => Promise<boolean>,
  ) {}

  /**
   * Streams `data` in (at most `maxBytes`), then, under the blob's lock, places it and runs `link`,
   * which records what refers to it. If `link` fails, the blob is removed again unless something
   * else refers to it; if streaming fails (too large, client gone), nothing was placed.
   */
  async add<T>(data: AsyncIterable<Uint8Array> | Uint8Array, maxBytes: number, link: (blob: BlobRef) => Promise<T>): Promise<T> {
    const staged = await this.store.stage(data, maxBytes);
    return this.#lock.run(staged.id, async () => {
      try {
        await staged.commit();
      } catch (error) {
        await staged.discard().catch(() => undefined);
        throw error;
      }
      try {
        return await link({ id: staged.id, size: staged.size });
      } catch (error) {
        if (!(await this.isReferenced(staged.id))) await this.store.delete(staged.id);
        throw error;
      }
    });
  }

  /** Deletes each blob that nothing refers to any more (call after deleting the records that did). */
  async release(blobIds: Iterable<string>): Promise<void> {
    for (const blobId of new Set(blobIds)) {
      await this.#lock.run(blobId, async () => {
        if (!(await this.isReferenced(blobId))) await this.store.delete(blobId);
      });
    }
  }
}
