// Writes the next migration after editing schema.prisma: `npm run db:migration -- <name>` asks the
// schema engine for the SQL that turns a database built from the existing migrations into what
// schema.prisma describes, and saves it as server/db/migrations/<NNNN>-<name>.sql (review it!).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { initialSchemaSql, migrations } from './migrate.ts';
import { diffDatabaseAgainstSchema } from './schema-engine.ts';

/** A database file built from the initial schema and every migration so far. */
export async function migratedDatabaseFile(dir: string): Promise<string> {
  const path = join(dir, 'migrated.db');
  const db = new Sqlite(path);
  db.exec(initialSchemaSql);
  for (const migration of migrations) db.exec(migration.sql);
  db.close();
  return path;
}

const name = process.argv[2];
if (import.meta.url === `file://${process.argv[1]}`) {
  if (!name || !/^[a-z0-9-]+$/.test(name)) {
    console.error('usage: npm run db:migration -- <name-in-kebab-case>');
    process.exit(2);
  }
  const dir = await mkdtemp(join(tmpdir(), 'consilium-migration-'));
  try {
    const sql = await diffDatabaseAgainstSchema(`file:${await migratedDatabaseFile(dir)}`);
    if (!/\b(CREATE|ALTER|DROP)\b/i.test(sql)) {
      console.log('schema.prisma needs no migration.');
    } else {
      const number = String(migrations.length + 1).padStart(4, '0');
      const file = new URL(`./migrations/${number}-${name}.sql`, import.meta.url);
      await writeFile(file, sql);
      console.log(`wrote ${file.pathname}; then run npm run db:sql`);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
