// Authenticated encryption of one piece of data, bound to what and where it is.
import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { open, seal, sealOverhead } from '../../../server/db/durable/sealed.ts';

const key = randomBytes(32);
const aad = Buffer.from('record 42');
const plaintext = Buffer.from('{"sql":"INSERT INTO User ..."}');

describe('sealed data', () => {
  test('opens again to the same bytes with the same key and associated data', () => {
    const sealed = seal(key, plaintext, aad);
    expect(sealed.length).toBe(plaintext.length + sealOverhead);
    expect(open(key, sealed, aad)).toEqual(plaintext);
  });

  test('an empty plaintext seals and opens too (it is the files\' key check)', () => {
    expect(open(key, seal(key, Buffer.alloc(0), aad), aad)).toEqual(Buffer.alloc(0));
  });

  test('does not contain the plaintext, and sealing twice gives different bytes (fresh nonce)', () => {
    const first = seal(key, plaintext, aad);
    expect(first.includes(plaintext)).toBe(false);
    expect(first.equals(seal(key, plaintext, aad))).toBe(false);
  });

  test('does not open with another key', () => {
    expect(open(randomBytes(32), seal(key, plaintext, aad), aad)).toBeUndefined();
  });

  test('does not open with other associated data (a record moved to another place)', () => {
    expect(open(key, seal(key, plaintext, aad), Buffer.from('record 43'))).toBeUndefined();
  });

  test.each([
    ['the nonce', 0],
    ['the ciphertext', 12 + 3],
    ['the tag', -1],
  ])('does not open with one bit flipped in %s', (_part, position) => {
    const sealed = seal(key, plaintext, aad);
    const at = position < 0 ? sealed.length + position : position;
    sealed[at] = (sealed[at] ?? 0) ^ 0x01;
    expect(open(key, sealed, aad)).toBeUndefined();
  });

  test('does not open when cut short, even below the size of nonce and tag', () => {
    const sealed = seal(key, plaintext, aad);
    expect(open(key, sealed.subarray(0, sealed.length - 1), aad)).toBeUndefined();
    expect(open(key, sealed.subarray(0, sealOverhead - 1), aad)).toBeUndefined();
    expect(open(key, Buffer.alloc(0), aad)).toBeUndefined();
  });
});
