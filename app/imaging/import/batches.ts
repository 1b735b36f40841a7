// Groups de-identified instances into STOW-RS requests: a request is sent when it holds enough
// instances or bytes, so that progress is visible and a cancelled import loses at most one request.

/** When a batch is full: whichever limit is reached first. */
export interface BatchLimits {
  readonly maxInstances: number;
  readonly maxBytes: number;
}

/** Batches of the workstation's imports: 16 instances or 32 MiB. */
export const defaultBatchLimits: BatchLimits = { maxInstances: 16, maxBytes: 32 * 1024 * 1024 };

/**
 * Collects items in arrival order and hands out full batches. An item larger than `maxBytes` on
 * its own makes a batch of one.
 */
export class Batcher<T extends { readonly size: number }> {
  #items: T[] = [];
  #bytes = 0;

  constructor(private readonly limits: BatchLimits = defaultBatchLimits) {
    if (limits.maxInstances < 1 || limits.maxBytes < 1) throw new Error('batch limits must be positive');
  }

  /** Adds an item; returns the batch to send when one is full (with or before this item). */
  add(item: T): T[] | undefined {
    // The item would overflow the batch by bytes: the batch goes without it.
    const before = this.#items.length > 0 && this.#bytes + item.size > this.limits.maxBytes ? this.take() : undefined;
    this.#items.push(item);
    this.#bytes += item.size;
    if (before) return before;
    return this.#items.length >= this.limits.maxInstances || this.#bytes >= this.limits.maxBytes ? this.take() : undefined;
  }

  /** The batch so far (possibly empty), and a fresh start. */
  take(): T[] {
    const batch = this.#items;
    this.#items = [];
    this.#bytes = 0;
    return batch;
  }

  get pending(): number {
    return this.#items.length;
  }
}

/**
 * Cuts a whole list into batches with the same rules as Batcher (for callers that have everything
 * at hand, and for tests). Never returns an empty batch.
 */
export function planBatches<T extends { readonly size: number }>(items: readonly T[], limits: BatchLimits = defaultBatchLimits): T[][] {
  const batcher = new Batcher<T>(limits);
  const batches: T[][] = [];
  for (const item of items) {
    const full = batcher.add(item);
    if (full) batches.push(full);
  }
  const rest = batcher.take();
  if (rest.length > 0) batches.push(rest);
  return batches;
}
