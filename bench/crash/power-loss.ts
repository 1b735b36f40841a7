// Simulated power loss after a SIGKILL. A killed process loses nothing the kernel already holds, so
// SIGKILL alone cannot tell an fsync from none. Here, after the kill, every journal file the server
// wrote is cut back to what its fsyncs covered (the sync recorder's log), keeping part of the rest
// or not, as a machine losing power could:
//   drop    - everything after the last completed fsync is gone;
//   prefix  - a random prefix of the unsynced bytes survived (torn records);
//   zeros   - a random prefix survived and the file grew by zero bytes past it (the size reached
//             the disk, the data did not: ext4 data=writeback, some XFS cases).
// A journal file created in this run that no fsync covered may be gone, or cut anywhere.
// Only journal files are touched: snapshots are written to a temporary file, fsynced and renamed.
// Not modelled: directory operations undone by a power loss (a deleted journal file coming back, a
// rename not yet durable), and unsynced pages surviving out of order (only prefixes survive here).
import { open, readdir, stat, truncate, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Random } from './random.ts';

export type PowerLossMode = 'drop' | 'prefix' | 'zeros';
export const powerLossModes: readonly PowerLossMode[] = ['drop', 'prefix', 'zeros'];

const journalName = /^journal-\d{20}\.log$/;

export interface FileIdentity {
  readonly ino: number;
  readonly size: number;
}

/** The journal files in `dir` by name. */
export async function listJournalFiles(dir: string): Promise<Map<string, FileIdentity>> {
  const files = new Map<string, FileIdentity>();
  for (const name of await readdir(dir)) {
    if (!journalName.test(name)) continue;
    const info = await stat(join(dir, name));
    files.set(name, { ino: info.ino, size: info.size });
  }
  return files;
}

/** The largest size each journal file had when an fsync of it started (and then completed). */
export function readSyncLog(path: string): Map<string, number> {
  const synced = new Map<string, number>();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return synced;
  }
  for (const line of text.split('\n')) {
    const [name, size] = line.split('\t');
    if (!name || size === undefined) continue;
    synced.set(name, Math.max(synced.get(name) ?? 0, Number(size)));
  }
  return synced;
}

export interface PowerLossResult {
  readonly mode: PowerLossMode;
  /** Unsynced bytes that did not survive (zeroed bytes count as lost). */
  readonly bytesLost: number;
  /** Per affected file, what happened. */
  readonly changes: string[];
}

async function zeroFill(path: string, from: number, to: number): Promise<void> {
  if (to <= from) return;
  const handle = await open(path, 'r+');
  try {
    await handle.write(Buffer.alloc(to - from), 0, to - from, from);
  } finally {
    await handle.close();
  }
}

/**
 * Applies a power loss to the journal files in `dir`: `before` is the listing taken before the server
 * started, `synced` what its fsyncs covered.
 */
export async function simulatePowerLoss(
  dir: string,
  before: ReadonlyMap<string, FileIdentity>,
  synced: ReadonlyMap<string, number>,
  mode: PowerLossMode,
  random: Random,
): Promise<PowerLossResult> {
  let bytesLost = 0;
  const changes: string[] = [];
  for (const [name, now] of await listJournalFiles(dir)) {
    const path = join(dir, name);
    const old = before.get(name);
    const durable = synced.get(name) ?? (old && old.ino === now.ino ? old.size : undefined);
    if (durable === undefined) {
      // Created in this run, and no fsync of it completed.
      if (mode === 'drop') {
        await unlink(path);
        changes.push(`${name}: never synced, gone`);
      } else {
        const keep = random.int(0, now.size);
        await truncate(path, keep);
        if (mode === 'zeros') await zeroFill(path, random.int(0, keep), keep);
        changes.push(`${name}: never synced, ${keep} of ${now.size} bytes kept${mode === 'zeros' ? ' (partly zeros)' : ''}`);
      }
      bytesLost += now.size;
      continue;
    }
    if (now.size <= durable) continue;
    const unsynced = now.size - durable;
    if (mode === 'drop') {
      await truncate(path, durable);
      bytesLost += unsynced;
      changes.push(`${name}: ${unsynced} unsynced bytes dropped`);
    } else if (mode === 'prefix') {
      const keep = random.int(0, unsynced);
      await truncate(path, durable + keep);
      bytesLost += unsynced - keep;
      changes.push(`${name}: ${keep} of ${unsynced} unsynced bytes kept`);
    } else {
      const real = random.int(0, unsynced);
      const end = random.int(real, unsynced);
      await truncate(path, durable + end);
      await zeroFill(path, durable + real, durable + end);
      bytesLost += unsynced - real;
      changes.push(`${name}: ${real} of ${unsynced} unsynced bytes kept, then ${end - real} zero bytes`);
    }
  }
  return { mode, bytesLost, changes };
}
