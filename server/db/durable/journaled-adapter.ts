// A Prisma driver adapter around the better-sqlite3 one that journals every committed write: the
// statements of each committed transaction (or a lone write) become one journal record, and the
// call returns only once that record is durable. Reads and writes pass one gate, one at a time.
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';
import type { Gate } from './gate.ts';
import type { JournalWriter } from './journal.ts';
import { JournalUnavailableError } from './journal.ts';
import { assertDeterministic, isReadOnly, type Statement } from './statements.ts';

/** The journal currently appended to (it changes when a snapshot starts a new file). */
export interface JournalTarget {
  current(): JournalWriter;
}

function refuseIfUnavailable(target: JournalTarget): void {
  if (!target.current().writable) throw new JournalUnavailableError(undefined);
}

/**
 * Appends a committed write and starts waiting for it in the same step (after a failure the journal
 * uses sequence numbers again, so a wait begun later could be for someone else's record).
 */
function appendDurably(writer: JournalWriter, statements: readonly Statement[]): Promise<void> {
  const durable = writer.durable(writer.append(statements));
  // Awaited by the caller; this only keeps a rejection from counting as unhandled meanwhile.
  durable.catch(() => undefined);
  return durable;
}

class JournaledTransaction implements Transaction {
  readonly #inner: Transaction;
  readonly #target: JournalTarget;
  readonly #release: () => void;
  readonly #writes: Statement[] = [];
  #durable: Promise<void> | undefined;
  #released = false;

  constructor(inner: Transaction, target: JournalTarget, release: () => void) {
    this.#inner = inner;
    this.#target = target;
    this.#release = release;
  }

  get provider() {
    return this.#inner.provider;
  }
  get adapterName() {
    return this.#inner.adapterName;
  }
  get options() {
    return this.#inner.options;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#run(query, () => this.#inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    // Prisma ends a transaction by sending COMMIT or ROLLBACK as SQL, then calling commit()/rollback().
    if (/^\s*COMMIT\b/i.test(query.sql)) return this.#commit(query);
    if (/^\s*ROLLBACK\s*$/i.test(query.sql)) return this.#inner.executeRaw(query);
    return this.#run(query, () => this.#inner.executeRaw(query));
  }

  async commit(): Promise<void> {
    await this.#inner.commit();
    this.#end();
    await this.#durable;
  }

  async rollback(): Promise<void> {
    await this.#inner.rollback();
    this.#end();
  }

  createSavepoint(name: string): Promise<void> {
    return this.#control(`SAVEPOINT ${name}`);
  }
  rollbackToSavepoint(name: string): Promise<void> {
    return this.#control(`ROLLBACK TO ${name}`);
  }
  releaseSavepoint(name: string): Promise<void> {
    return this.#control(`RELEASE SAVEPOINT ${name}`);
  }

  async #control(sql: string): Promise<void> {
    await this.executeRaw({ sql, args: [], argTypes: [] });
  }

  async #run<T>(query: SqlQuery, execute: () => Promise<T>): Promise<T> {
    if (isReadOnly(query.sql)) return execute();
    assertDeterministic(query.sql);
    refuseIfUnavailable(this.#target);
    const result = await execute();
    this.#writes.push(query);
    return result;
  }

  async #commit(query: SqlQuery): Promise<number> {
    if (this.#writes.length === 0) return this.#inner.executeRaw(query);
    if (!this.#target.current().writable) {
      // Nothing of it may become visible if it cannot become durable.
      await this.#inner.executeRaw({ sql: 'ROLLBACK', args: [], argTypes: [] });
      throw new JournalUnavailableError(undefined);
    }
    const changes = await this.#inner.executeRaw(query);
    // Appended in the same synchronous step as the COMMIT, so the journal's order is the commit order.
    this.#durable = appendDurably(this.#target.current(), this.#writes);
    return changes;
  }

  #end(): void {
    if (this.#released) return;
    this.#released = true;
    this.#release();
  }
}

export class JournaledAdapter implements SqlDriverAdapter {
  readonly #inner: SqlDriverAdapter;
  readonly #target: JournalTarget;
  readonly #gate: Gate;

  constructor(inner: SqlDriverAdapter, target: JournalTarget, gate: Gate) {
    this.#inner = inner;
    this.#target = target;
    this.#gate = gate;
  }

  get provider() {
    return this.#inner.provider;
  }
  get adapterName() {
    return `${this.#inner.adapterName}+journal`;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#autocommit(query, () => this.#inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery): Promise<number> {
    return this.#autocommit(query, () => this.#inner.executeRaw(query));
  }

  executeScript(script: string): Promise<void> {
    return this.#gate.run(() => {
      throw new Error(`executeScript bypasses the journal and is not allowed (${script.slice(0, 40)}…)`);
    });
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.#gate.acquire();
    try {
      return new JournaledTransaction(await this.#inner.startTransaction(isolationLevel), this.#target, release);
    } catch (error) {
      release();
      throw error;
    }
  }

  getConnectionInfo() {
    return this.#inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  dispose(): Promise<void> {
    return this.#inner.dispose();
  }

  async #autocommit<T>(query: SqlQuery, execute: () => Promise<T>): Promise<T> {
    if (isReadOnly(query.sql)) return this.#gate.run(execute);
    assertDeterministic(query.sql);
    let durable: Promise<void> | undefined;
    const result = await this.#gate.run(async () => {
      refuseIfUnavailable(this.#target);
      const value = await execute();
      durable = appendDurably(this.#target.current(), [query]);
      return value;
    });
    await durable;
    return result;
  }
}
