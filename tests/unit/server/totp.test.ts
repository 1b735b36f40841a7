import { describe, expect, test } from 'vitest';
import { checkTotpCode, totpCode, totpStep } from '../../../server/identity/totp.ts';

// RFC 6238 Appendix B: the ASCII secret "12345678901234567890", SHA-1. The 8-digit codes there are
// 94287082 (T = 59 s) and 07081804 (T = 1111111109 s); six-digit codes keep the last six digits.
const rfcSecret = Buffer.from('12345678901234567890', 'ascii');
const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const at = (unixSeconds: number) => new Date(unixSeconds * 1000);

describe('the RFC 6238 test vector', () => {
  test('the base32 secret is the RFC ASCII secret', () => {
    expect(base32Decode(secret)).toEqual(rfcSecret);
  });

  test('totpCode produces the RFC codes', () => {
    expect(totpCode(secret, at(59))).toBe('287082');
    expect(totpCode(secret, at(1111111109))).toBe('081804');
  });

  test('checkTotpCode accepts the RFC codes at their times and reports their step', () => {
    expect(checkTotpCode(secret, '287082', 0, at(59))).toEqual({ valid: true, step: 1 });
    expect(checkTotpCode(secret, '081804', 0, at(1111111109))).toEqual({ valid: true, step: totpStep(at(1111111109)) });
  });
});

describe('checkTotpCode', () => {
  // '287082' is the code of step 1 (30 s to 59 s).
  test('accepts the previous and the next step, for clocks that drift a little', () => {
    expect(checkTotpCode(secret, '287082', 0, at(75))).toEqual({ valid: true, step: 1 }); // now step 2
    expect(checkTotpCode(secret, '287082', 0, at(15))).toEqual({ valid: true, step: 1 }); // now step 0
  });

  test('refuses a code two steps away as wrong, not as replayed', () => {
    expect(checkTotpCode(secret, '287082', 0, at(105))).toEqual({ valid: false, replayed: false }); // step 3
    expect(checkTotpCode(secret, totpCode(secret, at(59)), 0, at(1111111109))).toEqual({ valid: false, replayed: false });
  });

  test('refuses a wrong code', () => {
    const wrong = totpCode(secret, at(59)) === '000000' ? '111111' : '000000';
    expect(checkTotpCode(secret, wrong, 0, at(59))).toEqual({ valid: false, replayed: false });
  });

  test('refuses a code of a step already accepted, and says it was replayed', () => {
    const first = checkTotpCode(secret, '287082', 0, at(45));
    expect(first).toEqual({ valid: true, step: 1 });
    expect(checkTotpCode(secret, '287082', 1, at(50))).toEqual({ valid: false, replayed: true });
  });

  test('refuses an older code once a later step was accepted, but takes the next new one', () => {
    const step3Code = totpCode(secret, at(95));
    expect(checkTotpCode(secret, '287082', 2, at(75))).toEqual({ valid: false, replayed: true });
    expect(checkTotpCode(secret, step3Code, 2, at(75))).toEqual({ valid: true, step: 3 });
  });

  test('after the server clock steps back, a code is refused as already used rather than failing', () => {
    // The last accepted step lies beyond the whole tolerance window (e.g. NTP corrected the clock).
    expect(checkTotpCode(secret, '287082', 10, at(45))).toEqual({ valid: false, replayed: true });
    expect(checkTotpCode(secret, totpCode(secret, at(15)), 10, at(45))).toEqual({ valid: false, replayed: true });
  });
});

/** RFC 4648 base32, to check the test secret independently of the library under test. */
function base32Decode(text: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(Number.parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}
