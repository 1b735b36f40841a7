// Encrypted snapshots of the whole database, written atomically, and the retention policy that
// decides which to keep (the newest few, one a day for 30 days, one a month for 6 months).
//
// File: magic "CNSLSNP1" | seq (u64) | created at (u64, ms) | sealed(empty) as key check | sealed(database).
import { readdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './files.ts';
import { WrongKeyError } from './journal.ts';
import { open, seal } from './sealed.ts';

const magic = Buffer.from('CNSLSNP1');
const headerBytes = magic.length + 16;
const keyCheckBytes = 28;

export interface SnapshotInfo {
  readonly name: string;
  /** The last journal record the snapshot contains. */
  readonly seq: bigint;
  readonly createdAt: Date;
}

export function snapshotFileName(seq: bigint, createdAt: Date): string {
  return `snapshot-${seq.toString().padStart(20, '0')}-${createdAt.getTime()}.db.enc`;
}

export function parseSnapshotFileName(name: string): SnapshotInfo | undefined {
  const match = /^snapshot-(\d{20})-(\d+)\.db\.enc$/.exec(name);
  if (!match?.[1] || !match[2]) return undefined;
  return { name, seq: BigInt(match[1]), createdAt: new Date(Number(match[2])) };
}

/** Snapshots in `dir`, newest first. */
export async function listSnapshots(dir: string): Promise<SnapshotInfo[]> {
  const names = await readdir(dir);
  return names
    .map(parseSnapshotFileName)
    .filter((info): info is SnapshotInfo => info !== undefined)
    .sort((a, b) => (a.seq === b.seq ? b.createdAt.getTime() - a.createdAt.getTime() : a.seq > b.seq ? -1 : 1));
}

function aad(part: string, seq: bigint, createdAt: Date): Buffer {
  const b = Buffer.alloc(16);
  b.writeBigUInt64BE(seq, 0);
  b.writeBigUInt64BE(BigInt(createdAt.getTime()), 8);
  return Buffer.concat([magic, Buffer.from(part), b]);
}

export async function writeSnapshot(dir: string, key: Buffer, seq: bigint, createdAt: Date, database: Buffer): Promise<SnapshotInfo> {
  const header = Buffer.alloc(headerBytes);
  magic.copy(header, 0);
  header.writeBigUInt64BE(seq, magic.length);
  header.writeBigUInt64BE(BigInt(createdAt.getTime()), magic.length + 8);
  const file = Buffer.concat([header, seal(key, Buffer.alloc(0), aad('key', seq, createdAt)), seal(key, database, aad('data', seq, createdAt))]);
  const name = snapshotFileName(seq, createdAt);
  await writeFileAtomically(join(dir, name), file);
  return { name, seq, createdAt };
}

/**
 * The database bytes of a snapshot; undefined if the file is damaged; WrongKeyError if the key opens
 * neither its key check nor its data (a damaged key check alone does not hide a readable snapshot).
 */
export async function readSnapshot(dir: string, info: SnapshotInfo, key: Buffer): Promise<Buffer | undefined> {
  const file = await readFile(join(dir, info.name));
  if (file.length < headerBytes + keyCheckBytes || !file.subarray(0, magic.length).equals(magic)) return undefined;
  const seq = file.readBigUInt64BE(magic.length);
  const createdAt = new Date(Number(file.readBigUInt64BE(magic.length + 8)));
  if (seq !== info.seq || createdAt.getTime() !== info.createdAt.getTime()) return undefined;
  const data = open(key, file.subarray(headerBytes + keyCheckBytes), aad('data', seq, createdAt));
  if (!data && !open(key, file.subarray(headerBytes, headerBytes + keyCheckBytes), aad('key', seq, createdAt))) {
    throw new WrongKeyError(`The data key does not open snapshot ${info.name}.`);
  }
  return data;
}

/** A temporary file of a snapshot write that never finished (a crash before its rename). */
export function isSnapshotLeftover(name: string): boolean {
  return name.startsWith('snapshot-') && name.endsWith('.tmp');
}

export interface RetentionPolicy {
  /** Always keep this many newest snapshots. */
  readonly newest: number;
  /** Keep the newest snapshot of each of the last N days... */
  readonly dailyDays: number;
  /** ...and of each of the last N months. */
  readonly monthlyMonths: number;
}

/** From the seeds: nightly backups kept 30 days, monthly ones 6 months. */
export const defaultRetention: RetentionPolicy = { newest: 2, dailyDays: 30, monthlyMonths: 6 };

/**
 * The snapshots the policy keeps (by name), given all of them and the current time. The newest are
 * those with the highest sequence numbers, the ones recovery needs, even if the clock went back.
 */
export function snapshotsToKeep(snapshots: readonly SnapshotInfo[], now: Date, policy: RetentionPolicy = defaultRetention): Set<string> {
  const bySeq = [...snapshots].sort((a, b) => (a.seq === b.seq ? b.createdAt.getTime() - a.createdAt.getTime() : a.seq > b.seq ? -1 : 1));
  const keep = new Set(bySeq.slice(0, policy.newest).map((s) => s.name));
  const newestFirst = [...snapshots].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const dayMs = 86_400_000;
  const seenDays = new Set<string>();
  const seenMonths = new Set<string>();
  const monthsAgo = (d: Date) => (now.getUTCFullYear() - d.getUTCFullYear()) * 12 + now.getUTCMonth() - d.getUTCMonth();
  for (const snapshot of newestFirst) {
    const day = snapshot.createdAt.toISOString().slice(0, 10);
    const month = day.slice(0, 7);
    if (now.getTime() - snapshot.createdAt.getTime() < policy.dailyDays * dayMs && !seenDays.has(day)) {
      seenDays.add(day);
      keep.add(snapshot.name);
    }
    if (monthsAgo(snapshot.createdAt) < policy.monthlyMonths && !seenMonths.has(month)) {
      seenMonths.add(month);
      keep.add(snapshot.name);
    }
  }
  return keep;
}

/** Deletes the snapshots the policy does not keep; returns their names. */
export async function pruneSnapshots(dir: string, now: Date, policy: RetentionPolicy = defaultRetention): Promise<string[]> {
  const all = await listSnapshots(dir);
  const keep = snapshotsToKeep(all, now, policy);
  const drop = all.filter((s) => !keep.has(s.name));
  for (const snapshot of drop) await unlink(join(dir, snapshot.name));
  return drop.map((s) => s.name);
}
