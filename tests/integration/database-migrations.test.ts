// Data directories written by an older version must start on the new one: the committed migrations,
// applied in order to the initial schema, give exactly what schema.prisma describes, and a durable
// server migrates an old directory at start, keeping its data.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { openDatabase } from '../../server/db/database.ts';
import { deriveKeys } from '../../server/db/durable/keys.ts';
import { openDurableStore } from '../../server/db/durable/store.ts';
import { PrismaClient } from '../../server/db/generated/client.ts';
import { initialSchemaSql, migrations, statementsOf } from '../../server/db/migrate.ts';
import { diffDatabaseAgainstSchema } from '../../server/db/schema-engine.ts';
import { migratedDatabaseFile } from '../../server/db/write-migration.ts';
import { testDataKey } from '../fixtures/durable.ts';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'consilium-migrations-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the migrations', () => {
  test('applied in order to the initial schema, leave nothing for the schema engine to migrate', async () => {
    expect(migrations.length).toBeGreaterThan(0);
    const diff = await diffDatabaseAgainstSchema(`file:${await migratedDatabaseFile(dir)}`);
    expect(diff.trim(), 'schema.prisma changed without a migration: run `npm run db:migration -- <name>`').toBe('-- This is an empty migration.');
  });

  test('are split into the statements the engine wrote', () => {
    const statements = statementsOf(migrations[0]?.sql ?? '');
    expect(statements.length).toBeGreaterThan(3);
    for (const statement of statements) expect(statement).toMatch(/^(CREATE|ALTER|DROP|INSERT|PRAGMA|UPDATE)\b/);
  });
});

describe('a durable directory written before the migrations', () => {
  test('is migrated at start, journaled, keeping its rows; the next start needs nothing', async () => {
    const dataDir = join(dir, 'old');
    const keys = deriveKeys(testDataKey);
    const now = () => new Date('2030-01-01T00:00:00Z');
    // The previous version: the initial schema, and a user written through the journal.
    const old = await openDurableStore({ dir: dataDir, keys, now, schemaSql: initialSchemaSql, connect: () => new PrismaBetterSqlite3({ url: ':memory:' }).connect() as never });
    const oldPrisma = new PrismaClient({ adapter: old.factory });
    await oldPrisma.$executeRawUnsafe(`INSERT INTO "Ern" ("id", "fullName") VALUES ('ERKNet', 'Kidney Diseases')`);
    // A snapshot (as the old server wrote at shutdown), then one more write in the journal after it.
    await old.snapshot();
    await oldPrisma.$executeRawUnsafe(
      `INSERT INTO "User" ("id", "username", "firstName", "lastName", "email", "countryCode", "profession", "passwordHash", "totpSecret", "createdAt") VALUES ('u1', 'kept.user', 'Kept', 'User', 'k@h.test', 'FR', 'HP', 'x', 'y', 0)`,
    );
    await oldPrisma.$disconnect();
    await old.close();

    const upgraded = await openDatabase({ dir: dataDir, keys, now });
    expect(upgraded.store?.recovery.replayedRecords).toBe(1);
    const user = await upgraded.prisma.user.findUniqueOrThrow({ where: { username: 'kept.user' }, select: { id: true, consentVersion: true } });
    expect(user).toEqual({ id: 'u1', consentVersion: null });
    const applied = await upgraded.prisma.schemaMigration.findMany({ orderBy: { name: 'asc' } });
    expect(applied.map((m) => m.name)).toEqual(['0000-initial', ...migrations.map((m) => m.name)]);
    await upgraded.close();

    const again = await openDatabase({ dir: dataDir, keys, now });
    expect(again.store?.recovery.replayedRecords).toBe(0);
    expect(await again.prisma.user.count()).toBe(1);
    await again.close();
  });
});
