// A least-recently-used map bounded by the total size of its values, for what the DICOMweb store
// reads often and cannot change: content-addressed blobs, decrypted or turned into metadata.

export class SizedLru<V> {
  readonly #maxBytes: number;
  readonly #sizeOf: (value: V) => number;
  /** Least recently used first (a Map keeps insertion order). */
  readonly #entries = new Map<string, V>();
  #bytes = 0;

  constructor(maxBytes: number, sizeOf: (value: V) => number) {
    this.#maxBytes = maxBytes;
    this.#sizeOf = sizeOf;
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Keeps `value` unless it alone would take more than a quarter of the room. */
  set(key: string, value: V): void {
    const size = this.#sizeOf(value);
    if (size > this.#maxBytes / 4) return;
    this.delete(key);
    this.#entries.set(key, value);
    this.#bytes += size;
    for (const [oldKey, old] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= this.#sizeOf(old);
    }
  }

  delete(key: string): void {
    const value = this.#entries.get(key);
    if (value === undefined) return;
    this.#entries.delete(key);
    this.#bytes -= this.#sizeOf(value);
  }
}

/** `fn` over `items` with at most `limit` calls pending at once; results in the items' order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
