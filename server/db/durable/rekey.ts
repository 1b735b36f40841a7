// Key rotation, offline: reads a data directory with its current key (checking everything, as a
// start would) and writes its whole state as one snapshot under a new key into a new directory.
// The source directory is only read and locked, never changed.
import { mkdir, readdir } from 'node:fs/promises';
import type { DataKeys } from './keys.ts';
import { lockDataDirectory } from './lock.ts';
import { type SnapshotInfo, writeSnapshot } from './snapshots.ts';
import { buildDatabase, type DurableStoreOptions, readDurableState } from './store.ts';

export interface RekeyOptions {
  readonly from: { readonly dir: string; readonly keys: DataKeys };
  readonly to: { readonly dir: string; readonly keys: DataKeys };
  readonly connect: DurableStoreOptions['connect'];
  readonly schemaSql: string;
  readonly now: () => Date;
}

export class RekeyError extends Error {}

export async function rekeyDataDirectory(options: RekeyOptions): Promise<SnapshotInfo> {
  const { from, to } = options;
  await mkdir(to.dir, { recursive: true, mode: 0o700 });
  if ((await readdir(to.dir)).length > 0) throw new RekeyError(`The target directory ${to.dir} is not empty.`);
  // Holding the source's lock proves no server is writing to it meanwhile.
  const unlock = await lockDataDirectory(from.dir);
  try {
    const state = await readDurableState(from.dir, from.keys);
    const adapter = await buildDatabase({ ...options, dir: from.dir, keys: from.keys }, state);
    try {
      return await writeSnapshot(to.dir, to.keys.snapshot, state.lastSeq, options.now(), adapter.client.serialize());
    } finally {
      adapter.client.close();
    }
  } finally {
    await unlock();
  }
}
