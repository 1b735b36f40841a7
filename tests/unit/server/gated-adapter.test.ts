// The in-memory database (ephemeral servers, tests) has one connection, like the durable one: a
// statement from another caller must wait for an open transaction instead of seeing or joining it.
import { afterEach, beforeEach, expect, test } from 'vitest';
import { type Database, openDatabase } from '../../../server/db/database.ts';
import { openTransactionWithErn } from '../../fixtures/open-transaction.ts';

let db: Database;

beforeEach(async () => {
  db = await openDatabase();
});

afterEach(async () => {
  await db.close();
});

test('a read outside a transaction waits for it: it never sees rows a rollback takes back', async () => {
  const open = await openTransactionWithErn(db.prisma);
  let seen: number | undefined;
  const read = db.prisma.ern.count().then((count) => (seen = count));
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(seen).toBeUndefined();
  await open.rollBack();
  expect(await read).toBe(0);
});

test('a write outside a transaction does not join it: the rollback leaves it in place', async () => {
  const open = await openTransactionWithErn(db.prisma);
  // A single statement (Prisma wraps its own creates in a transaction, which would wait anyway); sent
  // at once (Prisma's promises start when awaited), and given time to run before the rollback.
  const write = db.prisma.$executeRaw`INSERT INTO "Ern" ("id", "fullName") VALUES ('ITHACA', 'Intellectual disability')`.then((count) => count);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await open.rollBack();
  await write;
  expect((await db.prisma.ern.findMany({ select: { id: true } })).map((e) => e.id)).toEqual(['ITHACA']);
});
