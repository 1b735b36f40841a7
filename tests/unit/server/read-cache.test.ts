// The read cache behind every request's session, actor and need-to-know checks: a value is served
// from memory only while nothing has been written since it was read, and never when it was read
// inside a transaction (a rollback may take back what it saw).
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type Database, openDatabase } from '../../../server/db/database.ts';
import { changeCounter, ReadCache } from '../../../server/db/read-cache.ts';
import { openTransactionWithErn } from '../../fixtures/open-transaction.ts';

let db: Database;

beforeEach(async () => {
  db = await openDatabase();
});

afterEach(async () => {
  await db.close();
});

function countingLoader(read: () => Promise<string | undefined>) {
  const loader = { calls: 0, load: async () => (loader.calls++, await read()) };
  return loader;
}

const ernCount = () => db.prisma.ern.count().then(String);

describe('ReadCache', () => {
  test('answers from memory while the database is unchanged', async () => {
    const cache = new ReadCache<string | undefined>(changeCounter(() => db.sqlite));
    const loader = countingLoader(ernCount);
    expect(await cache.get('k', loader.load)).toBe('0');
    expect(await cache.get('k', loader.load)).toBe('0');
    expect(loader.calls).toBe(1);
    // Another key is loaded on its own.
    await cache.get('other', loader.load);
    expect(loader.calls).toBe(2);
  });

  test('any write, to any table, makes every entry be read again', async () => {
    const cache = new ReadCache<string | undefined>(changeCounter(() => db.sqlite));
    const loader = countingLoader(ernCount);
    expect(await cache.get('k', loader.load)).toBe('0');
    await db.prisma.ern.create({ data: { id: 'ERKNet', fullName: 'Kidney' } });
    expect(await cache.get('k', loader.load)).toBe('1');
    await db.prisma.ern.updateMany({ data: { fullName: 'Kidney diseases' } });
    await cache.get('k', loader.load);
    await db.prisma.ern.deleteMany();
    expect(await cache.get('k', loader.load)).toBe('0');
    expect(loader.calls).toBe(4);
  });

  test('keeps nothing read while a transaction is open, and a rollback revives no stale entry', async () => {
    const cache = new ReadCache<string | undefined>(changeCounter(() => db.sqlite));
    const loader = countingLoader(ernCount);
    const open = await openTransactionWithErn(db.prisma);
    // Begun while the transaction holds an uncommitted row: it waits for the transaction, and is not kept.
    const read = cache.get('k', loader.load);
    await open.rollBack();
    expect(await read).toBe('0');
    expect(await cache.get('k', loader.load)).toBe('0');
    expect(await cache.get('k', loader.load)).toBe('0');
    expect(loader.calls).toBe(2);
  });

  test('a failed load is not kept', async () => {
    const cache = new ReadCache<string>(changeCounter(() => db.sqlite));
    await expect(cache.get('k', () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(await cache.get('k', () => Promise.resolve('yes'))).toBe('yes');
  });

  test('stays bounded: past its size it starts afresh', async () => {
    const cache = new ReadCache<string>(changeCounter(() => db.sqlite), 2);
    let calls = 0;
    const load = () => Promise.resolve(String(++calls));
    await cache.get('a', load);
    await cache.get('b', load);
    await cache.get('c', load);
    expect(await cache.get('c', load)).toBe('3');
    expect(await cache.get('a', load)).toBe('4');
  });
});
