// Key rotation, offline: reads a data directory with its current key (checking everything, as a
// start would) and writes its whole state as one snapshot, and every blob, under a new key into a
// new directory (blob addresses stay the same).
// The source directory is only read and locked, never changed.
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { rechain } from '../../audit/chain.ts';
import { copyBlobs } from '../../blobs/store.ts';
import { moveIdentityKey } from '../../patients/identity-key.ts';
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
      // The audit chain is keyed by a key derived from the data key: it moves to the new key too.
      await rechain(adapter.client, from.keys.audit, to.keys.audit).catch((error: unknown) => {
        throw new RekeyError((error as Error).message);
      });
      const info = await writeSnapshot(to.dir, to.keys.snapshot, state.lastSeq, options.now(), adapter.client.serialize());
      await moveIdentityKey({ dir: from.dir, wrap: from.keys.identityWrap }, { dir: to.dir, wrap: to.keys.identityWrap });
      if (existsSync(join(from.dir, 'blobs', 'ADDRESS_KEY'))) {
        await copyBlobs({ dir: join(from.dir, 'blobs'), keys: from.keys.blobs }, { dir: join(to.dir, 'blobs'), keys: to.keys.blobs });
      }
      return info;
    } finally {
      adapter.client.close();
    }
  } finally {
    await unlock();
  }
}
