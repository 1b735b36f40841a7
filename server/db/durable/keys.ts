// The operator's data key and the keys derived from it: one for the journal, one for snapshots,
// two for the blob store (content, sealing its address key), one for signing access tokens (so sessions survive a
// restart). The data key comes from the
// environment or a key file and is never written next to the data.
import { hkdfSync } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface DataKeys {
  readonly journal: Buffer;
  readonly snapshot: Buffer;
  readonly token: Uint8Array;
  readonly blobs: { readonly content: Buffer; readonly wrap: Buffer };
  /** Keys the audit log's hash chain, so nobody without it can forge a consistent chain. */
  readonly audit: Buffer;
  /** Seals the data directory's own identity key, used when the operator gives no CONSILIUM_IDENTITY_KEY. */
  readonly identityWrap: Buffer;
}

export class DataKeyError extends Error {}

function derive(dataKey: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `consilium ${purpose} v1`, 32));
}

export function deriveKeys(dataKey: Buffer): DataKeys {
  return {
    journal: derive(dataKey, 'journal'),
    snapshot: derive(dataKey, 'snapshot'),
    token: new Uint8Array(derive(dataKey, 'access tokens')),
    blobs: { content: derive(dataKey, 'blob content'), wrap: derive(dataKey, 'blob address key') },
    audit: derive(dataKey, 'audit chain'),
    identityWrap: derive(dataKey, 'patient identity key wrap'),
  };
}

/** Decodes a base64 data key of exactly 32 bytes; `source` names where it came from in errors. */
export function parseDataKey(text: string, source: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== 32) {
    throw new DataKeyError(`${source} must hold 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`); it holds ${key.length} bytes.`);
  }
  return key;
}

/** Reads a key given inline or as a file path. */
export function loadDataKey(inline: string | undefined, file: string | undefined, name: string): Buffer | undefined {
  if (inline && file) throw new DataKeyError(`Set ${name} or ${name}_FILE, not both.`);
  if (inline) return parseDataKey(inline, name);
  if (!file) return undefined;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DataKeyError(`Cannot read ${name}_FILE (${file}): ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}.`);
  }
  return parseDataKey(text, `${name}_FILE (${file})`);
}
