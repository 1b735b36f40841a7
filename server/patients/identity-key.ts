// Where the identity key comes from when the operator gives no separate CONSILIUM_IDENTITY_KEY: a
// random key made once per data directory and kept in it sealed under the data key (IDENTITY_KEY),
// so that rotating the data key re-seals it without touching any patient's sealed identity.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../db/durable/files.ts';
import { open as unseal, seal } from '../db/durable/sealed.ts';

export const identityKeyFile = 'IDENTITY_KEY';
const aad = Buffer.from('consilium patient identity key');

export class IdentityKeyError extends Error {}

/** The directory's identity key, made (and durably written) on first use. */
export async function identityKeyOf(dataDir: string, wrapKey: Buffer, initial?: Buffer): Promise<Buffer> {
  const path = join(dataDir, identityKeyFile);
  if (existsSync(path)) {
    const key = unseal(wrapKey, await readFile(path), aad);
    if (!key) throw new IdentityKeyError(`The data key does not open ${identityKeyFile} in the data directory.`);
    return key;
  }
  const key = initial ?? randomBytes(32);
  await writeFileAtomically(path, seal(wrapKey, key, aad));
  return key;
}

/** Key rotation: the same identity key, sealed under the new data key in the new directory. */
export async function moveIdentityKey(from: { dir: string; wrap: Buffer }, to: { dir: string; wrap: Buffer }): Promise<void> {
  if (!existsSync(join(from.dir, identityKeyFile))) return;
  await identityKeyOf(to.dir, to.wrap, await identityKeyOf(from.dir, from.wrap));
}
