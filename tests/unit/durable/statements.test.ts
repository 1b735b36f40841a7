// What the journal records of a write: statements encoded so that replay gives the same database.
import type { SqlQuery } from '@prisma/driver-adapter-utils';
import { describe, expect, test } from 'vitest';
import { assertDeterministic, decodeStatements, encodeStatements, isReadOnly } from '../../../server/db/durable/statements.ts';

const argTypes: SqlQuery['argTypes'] = [];

function roundTrip(args: unknown[]): unknown[] {
  const [decoded] = decodeStatements(encodeStatements([{ sql: 'INSERT INTO t VALUES (?)', args, argTypes }]));
  return decoded?.args ?? [];
}

describe('statement encoding', () => {
  test('keeps SQL, argument types and the order of statements', () => {
    const statements: SqlQuery[] = [
      { sql: 'INSERT INTO a VALUES (?)', args: ['x'], argTypes: [{ arity: 'scalar', scalarType: 'string' }] },
      { sql: 'UPDATE b SET c = ?', args: [1], argTypes: [{ arity: 'scalar', scalarType: 'int' }] },
    ];
    expect(decodeStatements(encodeStatements(statements))).toEqual(statements);
  });

  test('keeps strings (unicode too), numbers, booleans and null exactly', () => {
    expect(roundTrip(['Zoë Ünal 🧬', '', 0, -1.5, 2 ** 53 - 1, true, false, null])).toEqual(['Zoë Ünal 🧬', '', 0, -1.5, 2 ** 53 - 1, true, false, null]);
  });

  test('keeps bigints beyond the safe integer range as bigints', () => {
    const big = 2n ** 63n - 1n;
    const [value, negative] = roundTrip([big, -big]);
    expect(value).toBe(big);
    expect(negative).toBe(-big);
  });

  test('keeps bytes as bytes, byte for byte', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    const [value] = roundTrip([bytes, Buffer.from('buffer')]);
    expect(value).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(value as Uint8Array)).toEqual(Buffer.from(bytes));
  });

  test('turns undefined into null (as the driver binds it)', () => {
    expect(roundTrip([undefined])).toEqual([null]);
  });

  test('keeps nested arrays and objects, with bigints and bytes inside', () => {
    const nested = { list: [1n, { deep: new Uint8Array([7]) }, null], name: 'n' };
    const [value] = roundTrip([nested]);
    expect(value).toEqual({ list: [1n, { deep: new Uint8Array([7]) }, null], name: 'n' });
  });

  test('writes dates as ISO strings', () => {
    expect(roundTrip([new Date('2030-03-04T09:00:10.000Z')])).toEqual(['2030-03-04T09:00:10.000Z']);
  });

  test('refuses an argument it could not replay', () => {
    expect(() => encodeStatements([{ sql: 'INSERT', args: [() => 1], argTypes }])).toThrow(/Cannot journal an argument of type function/);
    expect(() => encodeStatements([{ sql: 'INSERT', args: [Symbol('s')], argTypes }])).toThrow(/symbol/);
  });
});

describe('read-only statements', () => {
  test.each(['SELECT 1', '  select * from User', '\n\tSELECT `id` FROM `main`.`User`'])('%j only reads', (sql) => {
    expect(isReadOnly(sql)).toBe(true);
  });

  test.each([
    'INSERT INTO `main`.`User` (`id`) VALUES (?) RETURNING `id`',
    'UPDATE User SET a = 1',
    'DELETE FROM Session',
    'SAVEPOINT s1',
    'ROLLBACK TO s1',
    'CREATE TABLE t (a)',
    'PRAGMA foreign_keys = ON',
    'SELECTED', // not the keyword
  ])('%j is journaled', (sql) => {
    expect(isReadOnly(sql)).toBe(false);
  });
});

describe('deterministic statements', () => {
  test.each([
    'INSERT INTO t VALUES (random())',
    'INSERT INTO t VALUES (RANDOMBLOB(16))',
    'UPDATE t SET at = CURRENT_TIMESTAMP',
    'UPDATE t SET d = current_date',
    "UPDATE t SET at = datetime('now')",
    'INSERT INTO t VALUES (last_insert_rowid())',
    'SELECT changes ()',
  ])('refuses %j, which would replay differently', (sql) => {
    expect(() => assertDeterministic(sql)).toThrow(/non-deterministic/);
  });

  test.each([
    'INSERT INTO `main`.`User` (`id`, `createdAt`) VALUES (?, ?)',
    'UPDATE `main`.`Session` SET `lastSeenAt` = ? WHERE `id` = ?',
    'UPDATE t SET changesCount = ?', // a column whose name merely starts like a function
  ])('accepts %j', (sql) => {
    expect(() => assertDeterministic(sql)).not.toThrow();
  });
});
