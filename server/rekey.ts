// `npm run data:rekey -- --to <new directory>`: re-encrypts the data directory under a new data key.
// Stop the server first. Reads CONSILIUM_DATA_DIR with CONSILIUM_DATA_KEY (or _FILE), writes the
// new directory with CONSILIUM_NEW_DATA_KEY (or CONSILIUM_NEW_DATA_KEY_FILE).
import { resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { schemaSql } from './db/database.ts';
import { DataKeyError, deriveKeys, loadDataKey } from './db/durable/keys.ts';
import { JournalCorruptError, WrongKeyError } from './db/durable/journal.ts';
import { DataDirectoryBusyError } from './db/durable/lock.ts';
import { rekeyDataDirectory, RekeyError } from './db/durable/rekey.ts';
import type { BetterSqlite3Adapter } from './db/durable/store.ts';

async function main(): Promise<void> {
  const toFlag = process.argv.indexOf('--to');
  const target = toFlag > 0 ? process.argv[toFlag + 1] : undefined;
  const source = process.env.CONSILIUM_DATA_DIR;
  if (!source || !target) throw new RekeyError('Usage: CONSILIUM_DATA_DIR=… CONSILIUM_DATA_KEY=… CONSILIUM_NEW_DATA_KEY=… npm run data:rekey -- --to <new directory>');
  const oldKey = loadDataKey(process.env.CONSILIUM_DATA_KEY, process.env.CONSILIUM_DATA_KEY_FILE, 'CONSILIUM_DATA_KEY');
  const newKey = loadDataKey(process.env.CONSILIUM_NEW_DATA_KEY, process.env.CONSILIUM_NEW_DATA_KEY_FILE, 'CONSILIUM_NEW_DATA_KEY');
  if (!oldKey || !newKey) throw new RekeyError('Both the current key (CONSILIUM_DATA_KEY) and the new one (CONSILIUM_NEW_DATA_KEY) are needed.');
  if (oldKey.equals(newKey)) throw new RekeyError('The new key is the same as the current one.');
  const base = new PrismaBetterSqlite3({ url: ':memory:' });
  const info = await rekeyDataDirectory({
    from: { dir: resolve(source), keys: deriveKeys(oldKey) },
    to: { dir: resolve(target), keys: deriveKeys(newKey) },
    connect: () => base.connect() as Promise<BetterSqlite3Adapter>,
    schemaSql,
    now: () => new Date(),
  });
  console.log(`Wrote ${info.name} (up to record ${info.seq}) to ${resolve(target)} under the new key.`);
  console.log('Start the server with CONSILIUM_DATA_DIR set to that directory and the new key; keep or destroy the old directory per your backup policy.');
}

main().catch((error: unknown) => {
  const explained = [RekeyError, DataKeyError, WrongKeyError, JournalCorruptError, DataDirectoryBusyError];
  if (explained.some((kind) => error instanceof kind)) {
    console.error(`data:rekey: ${(error as Error).message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
