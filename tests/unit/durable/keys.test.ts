// The operator's data key: parsing, loading, and the keys derived from it.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DataKeyError, deriveKeys, loadDataKey, parseDataKey } from '../../../server/db/durable/keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'consilium-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('parsing a data key', () => {
  test('accepts 32 bytes in base64, with surrounding whitespace (a key file ends with a newline)', () => {
    const key = randomBytes(32);
    expect(parseDataKey(`${key.toString('base64')}\n`, 'CONSILIUM_DATA_KEY')).toEqual(key);
    expect(parseDataKey(`  ${key.toString('base64')}  `, 'CONSILIUM_DATA_KEY')).toEqual(key);
  });

  test.each([
    ['16 bytes', randomBytes(16).toString('base64'), 16],
    ['33 bytes', randomBytes(33).toString('base64'), 33],
    ['64 hexadecimal digits (read as base64, not 32 bytes)', randomBytes(32).toString('hex'), 48],
    ['nothing but spaces', '   ', 0],
  ])('refuses %s, naming the source, the size and how to make a key', (_what, text, bytes) => {
    expect(() => parseDataKey(text, 'CONSILIUM_DATA_KEY')).toThrow(DataKeyError);
    expect(() => parseDataKey(text, 'CONSILIUM_DATA_KEY')).toThrow(`CONSILIUM_DATA_KEY must hold 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`); it holds ${bytes} bytes.`);
  });
});

describe('loading a data key', () => {
  const key = randomBytes(32);

  test('from the variable itself', () => {
    expect(loadDataKey(key.toString('base64'), undefined, 'CONSILIUM_DATA_KEY')).toEqual(key);
  });

  test('from a file', () => {
    const file = join(dir, 'key');
    writeFileSync(file, `${key.toString('base64')}\n`);
    expect(loadDataKey(undefined, file, 'CONSILIUM_DATA_KEY')).toEqual(key);
  });

  test('neither: no key', () => {
    expect(loadDataKey(undefined, undefined, 'CONSILIUM_DATA_KEY')).toBeUndefined();
  });

  test('both at once is refused', () => {
    expect(() => loadDataKey(key.toString('base64'), join(dir, 'key'), 'CONSILIUM_DATA_KEY')).toThrow('Set CONSILIUM_DATA_KEY or CONSILIUM_DATA_KEY_FILE, not both.');
  });

  test('a missing file is refused with its path and the reason', () => {
    const missing = join(dir, 'missing');
    expect(() => loadDataKey(undefined, missing, 'CONSILIUM_DATA_KEY')).toThrow(`Cannot read CONSILIUM_DATA_KEY_FILE (${missing}): ENOENT.`);
  });

  test('a file holding a bad key is refused naming the file', () => {
    const file = join(dir, 'short');
    writeFileSync(file, randomBytes(8).toString('base64'));
    expect(() => loadDataKey(undefined, file, 'CONSILIUM_DATA_KEY')).toThrow(`CONSILIUM_DATA_KEY_FILE (${file}) must hold 32 random bytes`);
  });
});

describe('derived keys', () => {
  const dataKey = Buffer.alloc(32, 7);

  test('are 32 bytes each and distinct from each other and from the data key', () => {
    const keys = deriveKeys(dataKey);
    const all = [dataKey, keys.journal, keys.snapshot, Buffer.from(keys.token), keys.blobs.content, keys.blobs.wrap];
    for (const key of all) expect(key.length).toBe(32);
    expect(new Set(all.map((key) => key.toString('hex'))).size).toBe(6);
  });

  test('are stable: the same data key always gives the same keys (HKDF-SHA256, fixed labels)', () => {
    const first = deriveKeys(dataKey);
    const second = deriveKeys(Buffer.from(dataKey));
    expect(second.journal).toEqual(first.journal);
    expect(second.snapshot).toEqual(first.snapshot);
    expect(second.token).toEqual(first.token);
    // Pinned (computed independently, RFC 5869 with an empty salt and info "consilium journal v1"), so
    // that a change of labels or algorithm, which would orphan every existing data directory, cannot
    // go unnoticed.
    expect(first.journal.toString('hex')).toBe('e61d7798f0ff81c6187feb78cc4a0c24cf39bafdffce100191d8cff3dd71d543');
  });

  test('differ for another data key', () => {
    const other = deriveKeys(Buffer.alloc(32, 8));
    const keys = deriveKeys(dataKey);
    expect(other.journal).not.toEqual(keys.journal);
    expect(other.snapshot).not.toEqual(keys.snapshot);
    expect(other.token).not.toEqual(keys.token);
  });
});
