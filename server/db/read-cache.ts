// Reads that every request repeats (the session behind a token, the caller's roles, a patient's
// need-to-know facts), answered from memory for as long as nothing at all has been written.
// "Written" is SQLite's total_changes() on the one connection under Prisma: every row inserted,
// updated or deleted moves it, committed or not, and a rollback does not move it back. So an entry
// read at count N is served only while the count is still N; any write anywhere empties the cache in
// effect. Reads begun inside an open transaction are never kept: they may see rows a rollback removes.
import type BetterSqlite3 from 'better-sqlite3';

export interface ChangeCounter {
  /** The database's write count now, or undefined while a transaction is open (nothing may be kept). */
  stamp(): string | undefined;
}

const connectionIds = new WeakMap<BetterSqlite3.Database, number>();
let nextConnectionId = 1;

/** The change counter of the connection `sqlite()` returns (durable recovery may swap it). */
export function changeCounter(sqlite: () => BetterSqlite3.Database): ChangeCounter {
  let statement: { db: BetterSqlite3.Database; get: () => unknown } | undefined;
  return {
    stamp() {
      const db = sqlite();
      if (!db.open || db.inTransaction) return undefined;
      if (statement?.db !== db) {
        const prepared = db.prepare('SELECT total_changes()').pluck();
        statement = { db, get: () => prepared.get() };
      }
      let id = connectionIds.get(db);
      if (id === undefined) connectionIds.set(db, (id = nextConnectionId++));
      return `${id}:${String(statement.get())}`;
    },
  };
}

/** A counter that never allows keeping anything: for code run without a database connection at hand. */
export const neverUnchanged: ChangeCounter = { stamp: () => undefined };

/**
 * Values by key, each valid while the database is unchanged since it was read. Callers share the
 * values: they must treat them as read-only.
 */
export class ReadCache<V> {
  readonly #counter: ChangeCounter;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, { readonly stamp: string; readonly value: V }>();

  constructor(counter: ChangeCounter, maxEntries = 10_000) {
    this.#counter = counter;
    this.#maxEntries = maxEntries;
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    // Read before loading: what `load` returns is at least as new as this stamp.
    const stamp = this.#counter.stamp();
    const entry = this.#entries.get(key);
    if (stamp !== undefined && entry?.stamp === stamp) return entry.value;
    const value = await load();
    if (stamp === undefined) return value;
    // Entries of an older stamp can never be served again: drop them all rather than keep a stale heap.
    if (this.#entries.size >= this.#maxEntries) this.#entries.clear();
    this.#entries.set(key, { stamp, value });
    return value;
  }
}
