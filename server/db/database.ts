// The only module that opens the database: SQLite in memory behind Prisma. Everything else receives
// the `Database` it returns, so the durable journal can wrap this one place.
import { readFileSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils';
import { PrismaClient } from './generated/client.ts';

export type { PrismaClient } from './generated/client.ts';

export interface Database {
  readonly prisma: PrismaClient;
  /** The raw connection under Prisma, for schema setup, snapshots and journaling. */
  readonly sqlite: BetterSqlite3.Database;
  close(): Promise<void>;
}

const schemaSql = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8');

/** Opens a new, empty in-memory database with the schema applied. */
export async function openDatabase(): Promise<Database> {
  const factory = new PrismaBetterSqlite3({ url: ':memory:' });
  let sqlite: BetterSqlite3.Database | undefined;
  const connect = factory.connect.bind(factory);
  // The adapter opens its own connection; keep a handle on it (the adapter exposes it as `client`).
  factory.connect = async () => {
    const adapter = (await connect()) as SqlDriverAdapter & { client: BetterSqlite3.Database };
    sqlite = adapter.client;
    return adapter;
  };
  const prisma = new PrismaClient({ adapter: factory });
  await prisma.$connect();
  if (!sqlite) throw new Error('The database adapter did not open a connection');
  sqlite.pragma('foreign_keys = ON');
  sqlite.exec(schemaSql);
  const handle = sqlite;
  return {
    prisma,
    sqlite: handle,
    // $disconnect closes the in-memory database for good: call it once, at shutdown.
    close: () => prisma.$disconnect(),
  };
}
