// The only module that opens the database: SQLite in memory behind Prisma. Ephemeral (memory only),
// or durable: recovered at start from encrypted snapshots and journal, every write journaled.
import { readFileSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import type { DataKeys } from './durable/keys.ts';
import { GatedAdapter } from './gated-adapter.ts';
import { migrate, stampAllSql } from './migrate.ts';
import { type DurableStore, openDurableStore } from './durable/store.ts';
import { PrismaClient } from './generated/client.ts';

export type { PrismaClient } from './generated/client.ts';

export interface Database {
  readonly prisma: PrismaClient;
  /** The raw connection under Prisma, for schema checks and snapshots. Never write through it. */
  readonly sqlite: BetterSqlite3.Database;
  /** The journal and snapshots, when durable. */
  readonly store: DurableStore | undefined;
  close(): Promise<void>;
}

export interface DurableOptions {
  readonly dir: string;
  readonly keys: DataKeys;
  readonly now: () => Date;
}

/** Creates the current schema in an empty database, recorded as having had every migration. */
export const schemaSql = `${readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')}\n${stampAllSql()}\n`;

type BetterSqlite3Adapter = SqlDriverAdapter & { client: BetterSqlite3.Database };

/** Opens the in-memory database: empty with the schema, or recovered from `durable.dir`. */
export async function openDatabase(durable?: DurableOptions): Promise<Database> {
  const base = new PrismaBetterSqlite3({ url: ':memory:' });
  // The adapter opens its own connection and keeps it in `client`; we need that handle too.
  const connect = () => base.connect() as Promise<BetterSqlite3Adapter>;
  if (durable) {
    const store = await openDurableStore({ dir: durable.dir, keys: durable.keys, connect, schemaSql, now: durable.now });
    const prisma = new PrismaClient({ adapter: store.factory });
    try {
      // Journaled like any write; a snapshot right after keeps the next start from replaying them.
      if ((await migrate(prisma)).length > 0) await store.snapshot();
    } catch (error) {
      await prisma.$disconnect();
      await store.close();
      throw error;
    }
    return {
      prisma,
      get sqlite() {
        return store.sqlite;
      },
      store,
      close: async () => {
        await prisma.$disconnect();
        await store.close();
      },
    };
  }
  let adapter: BetterSqlite3Adapter | undefined;
  const prisma = new PrismaClient({
    adapter: {
      provider: base.provider,
      adapterName: base.adapterName,
      connect: async () => {
        adapter = await connect();
        return new GatedAdapter(adapter);
      },
    },
  });
  await prisma.$connect();
  if (!adapter) throw new Error('The database adapter did not open a connection');
  adapter.client.pragma('foreign_keys = ON');
  // As for durable databases (durable/store.ts): deleted content is zeroed, not left in free pages.
  adapter.client.pragma('secure_delete = ON');
  adapter.client.exec(schemaSql);
  const sqlite = adapter.client;
  return {
    prisma,
    sqlite,
    store: undefined,
    // $disconnect closes the in-memory database for good: call it once, at shutdown.
    close: () => prisma.$disconnect(),
  };
}
