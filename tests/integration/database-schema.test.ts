// The committed schema.sql (what the server executes) must be exactly what schema.prisma (what the
// Prisma client is generated from) describes; otherwise queries meet a database they do not expect.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { diffDatabaseAgainstSchema, generateSchemaSql, schemaSqlPath } from '../../server/db/schema-engine.ts';

const migrationStatement = /\b(CREATE|ALTER|DROP)\b/i;

let dir: string;
let committedSql: string;
let engineSql: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'consilium-schema-'));
  committedSql = await readFile(schemaSqlPath, 'utf8');
  engineSql = await generateSchemaSql();
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Creates a SQLite file from `sql` and returns its path. */
function databaseFile(name: string, sql: string): string {
  const path = join(dir, name);
  const db = new Sqlite(path);
  db.exec(sql);
  db.close();
  return path;
}

/** Prisma's connection reads integers as BigInt; the comparison is about values. */
const plain = (rows: unknown[]) =>
  rows.map((row) => Object.fromEntries(Object.entries(row as object).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value])));

/** Tables with their columns (PRAGMA table_info) and indexes, in a comparable form. */
function describeSchema(db: Sqlite.Database) {
  const tables = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as Array<{ name: string }>;
  const indexes = db
    .prepare("SELECT name, tbl_name AS tableName FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all();
  return {
    tables: Object.fromEntries(tables.map(({ name }) => [name, plain(db.prepare(`PRAGMA table_info("${name}")`).all())])),
    indexes,
  };
}

describe('the committed schema.sql', () => {
  test('is byte for byte what the schema engine generates from schema.prisma', () => {
    expect(committedSql, 'server/db/schema.sql is stale: run `npm run db:sql` and commit the result').toBe(engineSql);
  });

  test('creates a database that matches schema.prisma: the engine finds nothing to migrate', async () => {
    const diff = await diffDatabaseAgainstSchema(`file:${databaseFile('committed.db', committedSql)}`);
    expect(diff).not.toMatch(migrationStatement);
    expect(diff.trim()).toBe('-- This is an empty migration.');
  });

  test('the comparison notices a database missing a column', async () => {
    const withoutPhone = committedSql.replace(/^\s*"phone" TEXT,\n/m, '');
    expect(withoutPhone).not.toBe(committedSql);
    const diff = await diffDatabaseAgainstSchema(`file:${databaseFile('missing-column.db', withoutPhone)}`);
    expect(diff).toMatch(/ALTER TABLE "User" ADD COLUMN "phone"/);
  });

  test('the comparison notices a missing index', async () => {
    const withoutIndex = committedSql.replace(/^CREATE INDEX "Session_userId_idx".*$/m, '');
    expect(withoutIndex).not.toBe(committedSql);
    const diff = await diffDatabaseAgainstSchema(`file:${databaseFile('missing-index.db', withoutIndex)}`);
    expect(diff).toMatch(/CREATE INDEX "Session_userId_idx"/);
  });
});

describe('the live database', () => {
  let live: Database;

  beforeAll(async () => {
    live = await openDatabase();
  });

  afterAll(async () => {
    await live.close();
  });

  test('openDatabase() has exactly the tables, columns and indexes the engine’s SQL creates', () => {
    const reference = new Sqlite(':memory:');
    try {
      reference.exec(engineSql);
      const expected = describeSchema(reference);
      expect(Object.keys(expected.tables)).toContain('User');
      expect(describeSchema(live.sqlite)).toEqual(expected);
    } finally {
      reference.close();
    }
  });

  test('enforces foreign keys', () => {
    expect(Number(live.sqlite.pragma('foreign_keys', { simple: true }))).toBe(1);
    expect(() =>
      live.sqlite.prepare('INSERT INTO "Membership" (id, userId, ernId, role, createdAt) VALUES (?, ?, ?, ?, ?)').run('m1', 'no-user', 'no-ern', 'HP', 0),
    ).toThrow(/FOREIGN KEY/);
  });
});
