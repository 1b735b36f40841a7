// The in-memory database's adapter when nothing is journaled (ephemeral servers, tests): the stock
// better-sqlite3 adapter behind the same gate as the durable one, so that on the single connection a
// statement never runs inside another caller's open transaction (seeing rows it may roll back, or
// becoming part of it). Without the gate only transactions wait for each other.
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, SqlResultSet, Transaction } from '@prisma/driver-adapter-utils';
import { Gate } from './durable/gate.ts';

class GatedTransaction implements Transaction {
  readonly #inner: Transaction;
  readonly #release: () => void;
  #released = false;

  constructor(inner: Transaction, release: () => void) {
    this.#inner = inner;
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
    return this.#inner.queryRaw(query);
  }
  executeRaw(query: SqlQuery): Promise<number> {
    return this.#inner.executeRaw(query);
  }
  async commit(): Promise<void> {
    try {
      await this.#inner.commit();
    } finally {
      this.#end();
    }
  }
  async rollback(): Promise<void> {
    try {
      await this.#inner.rollback();
    } finally {
      this.#end();
    }
  }
  createSavepoint(name: string): Promise<void> {
    return this.#savepoint('createSavepoint', name);
  }
  rollbackToSavepoint(name: string): Promise<void> {
    return this.#savepoint('rollbackToSavepoint', name);
  }
  releaseSavepoint(name: string): Promise<void> {
    return this.#savepoint('releaseSavepoint', name);
  }

  #savepoint(method: 'createSavepoint' | 'rollbackToSavepoint' | 'releaseSavepoint', name: string): Promise<void> {
    const call = this.#inner[method];
    if (!call) throw new Error(`The database adapter has no ${method}`);
    return call.call(this.#inner, name);
  }

  #end(): void {
    if (this.#released) return;
    this.#released = true;
    this.#release();
  }
}

export class GatedAdapter implements SqlDriverAdapter {
  readonly #inner: SqlDriverAdapter;
  readonly #gate = new Gate();

  constructor(inner: SqlDriverAdapter) {
    this.#inner = inner;
  }

  get provider() {
    return this.#inner.provider;
  }
  get adapterName() {
    return this.#inner.adapterName;
  }

  queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    return this.#gate.run(() => this.#inner.queryRaw(query));
  }
  executeRaw(query: SqlQuery): Promise<number> {
    return this.#gate.run(() => this.#inner.executeRaw(query));
  }
  executeScript(script: string): Promise<void> {
    return this.#gate.run(() => this.#inner.executeScript(script));
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.#gate.acquire();
    try {
      return new GatedTransaction(await this.#inner.startTransaction(isolationLevel), release);
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
}
