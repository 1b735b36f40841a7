// What the journal records of a write: the SQL statements as Prisma sent them to the driver, with
// their arguments, encoded so that replaying them gives the very same database.
import type { SqlQuery } from '@prisma/driver-adapter-utils';

export type Statement = SqlQuery;

/** Statements that only read: everything else (writes, savepoints, DDL) is journaled. */
export function isReadOnly(sql: string): boolean {
  return /^\s*SELECT\b/i.test(sql);
}

/**
 * SQL whose result depends on when or where it runs would replay differently. Prisma computes ids
 * and timestamps in JavaScript; this guards against anyone adding SQL that does not.
 */
const nonDeterministic = /\b(random|randomblob|changes|last_insert_rowid|total_changes)\s*\(|\bCURRENT_(TIME|DATE|TIMESTAMP)\b|'now'/i;

export function assertDeterministic(sql: string): void {
  if (nonDeterministic.test(sql)) throw new Error(`Refusing a non-deterministic SQL write, which could not be replayed exactly: ${sql.slice(0, 80)}`);
}

type Encoded = null | boolean | number | string | { $bigint: string } | { $bytes: string } | Encoded[] | { [key: string]: Encoded };

function encode(value: unknown): Encoded {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: Buffer.from(value).toString('base64') };
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  if (typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return value;
  throw new Error(`Cannot journal an argument of type ${typeof value}`);
}

function decode(value: Encoded): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(decode);
  if ('$bigint' in value && typeof value.$bigint === 'string') return BigInt(value.$bigint);
  if ('$bytes' in value && typeof value.$bytes === 'string') return new Uint8Array(Buffer.from(value.$bytes, 'base64'));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, decode(v)]));
}

export function encodeStatements(statements: readonly Statement[]): Buffer {
  return Buffer.from(JSON.stringify(statements.map((s) => ({ sql: s.sql, args: encode(s.args), argTypes: s.argTypes }))));
}

export function decodeStatements(bytes: Buffer): Statement[] {
  const parsed = JSON.parse(bytes.toString('utf8')) as Array<{ sql: string; args: Encoded; argTypes: Statement['argTypes'] }>;
  return parsed.map((s) => ({ sql: s.sql, args: decode(s.args) as unknown[], argTypes: s.argTypes }));
}
