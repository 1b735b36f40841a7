// `npm run audit:verify`: checks the audit log's hash chain of a stopped server's data directory
// (CONSILIUM_DATA_DIR with CONSILIUM_DATA_KEY or _FILE). Exit 0: intact; 1: broken, with where.
// On a running server, Support uses "Verify" on the audit log screen (audit.verify) instead.
import { resolve } from 'node:path';
import { openDatabase } from '../db/database.ts';
import { DataKeyError, deriveKeys, loadDataKey } from '../db/durable/keys.ts';
import { JournalCorruptError, WrongKeyError } from '../db/durable/journal.ts';
import { DataDirectoryBusyError } from '../db/durable/lock.ts';
import { AuditLog } from './log.ts';

async function main(): Promise<number> {
  const dir = process.env.CONSILIUM_DATA_DIR;
  const key = loadDataKey(process.env.CONSILIUM_DATA_KEY, process.env.CONSILIUM_DATA_KEY_FILE, 'CONSILIUM_DATA_KEY');
  if (!dir || !key) {
    console.error('Usage: CONSILIUM_DATA_DIR=… CONSILIUM_DATA_KEY=… npm run audit:verify');
    return 2;
  }
  const keys = deriveKeys(key);
  const db = await openDatabase({ dir: resolve(dir), keys, now: () => new Date() });
  try {
    const check = await new AuditLog(db.prisma, keys.audit, { now: () => new Date() }).verify();
    if (check.ok) {
      console.log(`The audit log is intact: ${check.records} records, each chained to the one before.`);
      return 0;
    }
    const what = { hash: 'was changed after it was written', link: 'does not follow the record before it (inserted or reordered)', gap: 'is missing (deleted)' }[check.reason];
    console.log(`The audit log has been tampered with: record ${check.brokenAt} ${what}.`);
    return 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const explained = [DataKeyError, WrongKeyError, JournalCorruptError, DataDirectoryBusyError];
    if (explained.some((kind) => error instanceof kind)) {
      console.error(`audit:verify: ${(error as Error).message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(2);
  },
);
