// The audit log's hash chain: each record's hash is a keyed hash (HMAC-SHA256) over the record and
// the previous record's hash. Changing, inserting or deleting a record breaks the chain from there
// on, and without the key nobody can forge a consistent new chain.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const genesisHash = '0'.repeat(64);

/** The fields a record's hash covers, in a fixed order. */
export interface ChainedFields {
  readonly seq: number;
  readonly at: Date;
  readonly actorId: string | null;
  readonly onBehalfOfId: string | null;
  readonly action: string;
  readonly recordType: string | null;
  readonly recordId: string | null;
  readonly outcome: string;
  readonly details: string;
}

export function chainHash(key: Buffer, prevHash: string, record: ChainedFields): string {
  const body = JSON.stringify([
    record.seq,
    record.at.toISOString(),
    record.actorId,
    record.onBehalfOfId,
    record.action,
    record.recordType,
    record.recordId,
    record.outcome,
    record.details,
  ]);
  return createHmac('sha256', key).update(prevHash).update('\n').update(body).digest('hex');
}

export type ChainCheck = { ok: true; records: number } | { ok: false; records: number; brokenAt: number; reason: 'hash' | 'link' | 'gap' };

/**
 * Walks the records in sequence order and says where the chain first breaks: a record whose hash
 * does not match its content ("hash", edited), whose link does not match its predecessor ("link",
 * inserted or reordered), or a missing sequence number ("gap", deleted).
 */
export async function checkChain(key: Buffer, records: AsyncIterable<ChainedFields & { prevHash: string; hash: string }> | Iterable<ChainedFields & { prevHash: string; hash: string }>): Promise<ChainCheck> {
  let prevHash = genesisHash;
  let expectedSeq = 1;
  let count = 0;
  for await (const record of records) {
    count += 1;
    if (record.seq !== expectedSeq) return { ok: false, records: count, brokenAt: expectedSeq, reason: 'gap' };
    if (record.prevHash !== prevHash) return { ok: false, records: count, brokenAt: record.seq, reason: 'link' };
    const expected = Buffer.from(chainHash(key, prevHash, record), 'hex');
    const actual = Buffer.from(record.hash, 'hex');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return { ok: false, records: count, brokenAt: record.seq, reason: 'hash' };
    prevHash = record.hash;
    expectedSeq += 1;
  }
  return { ok: true, records: count };
}

interface SqliteHandle {
  prepare(sql: string): { all(...args: unknown[]): unknown[]; run(...args: unknown[]): unknown };
  transaction<T>(fn: () => T): () => T;
}

/**
 * Key rotation (offline, on the raw database): checks the chain under the old key, then re-computes
 * every hash under the new one. A chain that is already broken is refused, so rotation never
 * launders a tampered log. Returns how many records were re-chained.
 */
export async function rechain(db: SqliteHandle, fromKey: Buffer, toKey: Buffer): Promise<number> {
  const table = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'AuditRecord'`).all();
  if (table.length === 0) return 0;
  type Row = { seq: bigint | number; at: string; actorId: string | null; onBehalfOfId: string | null; action: string; recordType: string | null; recordId: string | null; outcome: string; details: string; prevHash: string; hash: string };
  const records = (db.prepare('SELECT * FROM "AuditRecord" ORDER BY seq').all() as Row[]).map((row) => ({ ...row, seq: Number(row.seq), at: new Date(row.at) }));
  const check = await checkChain(fromKey, records);
  if (!check.ok) throw new Error(`The audit log's chain is broken at record ${check.brokenAt} (${check.reason}); refusing to re-key it.`);
  const update = db.prepare('UPDATE "AuditRecord" SET "prevHash" = ?, "hash" = ? WHERE "seq" = ?');
  db.transaction(() => {
    let prevHash = genesisHash;
    for (const record of records) {
      const hash = chainHash(toKey, prevHash, record);
      update.run(prevHash, hash, record.seq);
      prevHash = hash;
    }
  })();
  return records.length;
}
