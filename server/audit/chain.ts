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
