// Brings a recovered database up to the current schema with the SQL migrations in ./migrations/
// (0000-initial.sql is the schema before migrations existed; every later file changes it one step).
// Migrations run through Prisma, so a durable server journals them like any other write and a replay
// repeats them in order. A new database is created from schema.sql directly, stamped with every migration.
import { readdirSync, readFileSync } from 'node:fs';
import type { PrismaClient } from './generated/client.ts';

const folder = new URL('./migrations/', import.meta.url);
export const initialMigration = '0000-initial';

export interface Migration {
  readonly name: string;
  readonly sql: string;
}

/** Every migration after the initial schema, in order. */
export const migrations: readonly Migration[] = readdirSync(folder)
  .filter((file) => /^\d{4}-[a-z0-9-]+\.sql$/.test(file))
  .sort()
  .map((file) => ({ name: file.replace(/\.sql$/, ''), sql: readFileSync(new URL(file, folder), 'utf8') }))
  .filter((migration) => migration.name !== initialMigration);

export const initialSchemaSql = readFileSync(new URL(`${initialMigration}.sql`, folder), 'utf8');

/** The statements of a migration file as the schema engine writes them: `;` ends each, `--` comments. */
export function statementsOf(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, '').trim())
    .filter((statement) => statement.length > 0);
}

/** SQL recording that a database created from the current schema.sql has had every migration. */
export function stampAllSql(): string {
  return [initialMigration, ...migrations.map((m) => m.name)].map((name) => `INSERT INTO "SchemaMigration" ("name") VALUES ('${name}');`).join('\n');
}

async function appliedMigrations(prisma: PrismaClient): Promise<Set<string>> {
  const table = await prisma.$queryRawUnsafe<unknown[]>(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'SchemaMigration'`);
  if (table.length === 0) return new Set([initialMigration]);
  const rows = await prisma.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM "SchemaMigration"`);
  return new Set(rows.map((row) => row.name));
}

/** Applies the migrations the database has not had, each in one transaction; returns their names. */
export async function migrate(prisma: PrismaClient): Promise<string[]> {
  const applied = await appliedMigrations(prisma);
  const pending = migrations.filter((migration) => !applied.has(migration.name));
  for (const migration of pending) {
    await prisma.$transaction(async (tx) => {
      for (const statement of statementsOf(migration.sql)) await tx.$executeRawUnsafe(statement);
      // The first migration creates the SchemaMigration table itself: record the initial schema too.
      await tx.$executeRawUnsafe(`INSERT OR IGNORE INTO "SchemaMigration" ("name") VALUES ('${initialMigration}'), ('${migration.name}')`);
    });
  }
  return pending.map((migration) => migration.name);
}
