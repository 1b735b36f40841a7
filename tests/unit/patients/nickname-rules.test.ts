// User-defined nicknames: allowed text, uniqueness key, resemblance to the real name, and when
// the "Validate" button is enabled.
import { describe, expect, test } from 'vitest';
import { DomainError } from '../../../app/errors.ts';
import { resemblesRealName } from '../../../app/patients/nickname/resemblance.ts';
import {
  canValidateNickname,
  checkUserNickname,
  nicknameCheck,
  nicknameKey,
  nicknameSchema,
} from '../../../app/patients/nickname/rules.ts';
import { thrown } from '../../fixtures/errors.ts';

const marie = { firstName: 'Marie-Hélène', lastName: 'Dupont' };

describe('user-defined nickname text', () => {
  test.each([
    ['  Blue   Heron ', 'Blue Heron'],
    ['Ève d’Argent', "Ève d'Argent"],
    ['Patient 7', 'Patient 7'],
    ['Žluťoučký kůň', 'Žluťoučký kůň'],
    ['Anna-Lena 3', 'Anna-Lena 3'],
  ])('%j is accepted as %j', (text, stored) => {
    expect(nicknameSchema.parse(text)).toBe(stored);
  });

  test.each([
    ['', 'too short'],
    ['ab', 'too short'],
    ['x'.repeat(41), 'too long'],
    ['12345', 'no letter'],
    ['Blue<script>', 'symbols'],
    ['Blue -Heron', 'separator not between words'],
    ['Blue--Heron', 'double separator'],
    ["'Heron", 'leading apostrophe'],
    ['Blue\u0000Heron', 'control character'],
    ['Heron 🦩', 'emoji'],
  ])('%j is refused (%s)', (text) => {
    expect(nicknameSchema.safeParse(text).success).toBe(false);
  });

  test('uniqueness ignores case, accents and spacing', () => {
    expect(nicknameKey('Blue  Héron')).toBe(nicknameKey('blue heron'));
    expect(nicknameKey(' BLUE HERON ')).toBe('blue heron');
    expect(nicknameKey('Blue Heron 2')).not.toBe(nicknameKey('Blue Heron'));
  });
});

describe('resemblance to the real name', () => {
  test.each([
    ['Dupont 12', 'the last name as a word'],
    ['dupont', 'case'],
    ['Marie Rose', 'a first name'],
    ['Helene', 'a part of a hyphenated first name, accents ignored'],
    ['Du Pont', 'the name split into two words'],
    ['Duponts Garden', 'the name inside a longer word'],
    ['Dupond', 'one letter changed'],
    ['Dupnot', 'two letters swapped'],
    ['Mari Blue', 'one letter dropped'],
    ['Mariee', 'one letter added'],
  ])('%j resembles Marie-Hélène Dupont (%s)', (nickname) => {
    expect(resemblesRealName(nickname, marie)).toBe(true);
  });

  test.each([
    ['Jon', { firstName: 'John', lastName: 'Doe' }],
    ['Smyth', { firstName: 'Anna', lastName: 'Smith' }],
    ['Schmidt', { firstName: 'Anna', lastName: 'Smith' }],
    ['Filip 4', { firstName: 'Philippe', lastName: 'Roux' }],
    ['Maier', { firstName: 'Jan', lastName: 'Meyer' }],
    ['Mueller', { firstName: 'Jan', lastName: 'Müller' }],
    ['Lukasz', { firstName: 'Łukasz', lastName: 'Nowak' }],
    ['Kowalsky', { firstName: 'Jan', lastName: 'Kowalski' }],
    ['Alexandre', { firstName: 'Alexandra', lastName: 'Popescu' }],
    ['Mart', { firstName: 'Ana', lastName: 'Martinez' }],
  ])('%j resembles %o (near match)', (nickname, name) => {
    expect(resemblesRealName(nickname, name)).toBe(true);
  });

  test.each([
    ['Cobalt Lantern 42', marie],
    ['Blue Heron', marie],
    ['Marble Quay', marie],
    ['Lighthouse', { firstName: 'Li', lastName: 'Wu' }],
    ['Cobalt', { firstName: 'Bo', lastName: 'Ek' }],
    ['Anchor 12', { firstName: 'Ann', lastName: 'Ohr' }],
    ['Tango Kettle', { firstName: 'Jan', lastName: 'Novak' }],
  ])('%j does not resemble %o', (nickname, name) => {
    expect(resemblesRealName(nickname, name)).toBe(false);
  });

  test('two-letter names match only exactly', () => {
    expect(resemblesRealName('Li Garden', { firstName: 'Li', lastName: 'Wu' })).toBe(true);
    expect(resemblesRealName('Lo Garden', { firstName: 'Li', lastName: 'Wu' })).toBe(false);
  });
});

describe('the "Validate" button', () => {
  const field = (text: string, availability?: { key: string; available: boolean }) => ({ text, realName: marie, availability });

  test('stays disabled until the server says this very nickname is unused', () => {
    expect(nicknameCheck(field(''))).toEqual({ state: 'empty' });
    expect(nicknameCheck(field('Blue Heron'))).toEqual({ state: 'checking' });
    expect(canValidateNickname(field('Blue Heron'))).toBe(false);
    expect(nicknameCheck(field('Blue Heron', { key: 'blue heron', available: true }))).toEqual({ state: 'available', nickname: 'Blue Heron' });
    expect(canValidateNickname(field('Blue Heron', { key: 'blue heron', available: true }))).toBe(true);
    expect(canValidateNickname(field(' blue  HERON ', { key: 'blue heron', available: true }))).toBe(true);
  });

  test('is disabled when the nickname is taken, and when the answer was about other text', () => {
    expect(nicknameCheck(field('Blue Heron', { key: 'blue heron', available: false }))).toEqual({ state: 'taken' });
    expect(canValidateNickname(field('Blue Heron', { key: 'blue heron', available: false }))).toBe(false);
    expect(nicknameCheck(field('Blue Herons', { key: 'blue heron', available: true }))).toEqual({ state: 'checking' });
  });

  test('is disabled for malformed nicknames and those resembling the real name, whatever the server said', () => {
    const invalid = nicknameCheck(field('ab', { key: 'ab', available: true }));
    expect(invalid.state).toBe('invalid');
    expect(canValidateNickname(field('Dupont 3', { key: 'dupont 3', available: true }))).toBe(false);
    expect(nicknameCheck(field('Dupont 3', { key: 'dupont 3', available: true }))).toEqual({ state: 'resembles_name' });
  });
});

describe('checking a user-defined nickname on the server', () => {
  test('returns the normalised nickname when it is well-formed, unlike the name and unused', async () => {
    const asked: string[] = [];
    await expect(checkUserNickname('  Blue   Heron ', marie, async (n) => (asked.push(n), false))).resolves.toBe('Blue Heron');
    expect(asked).toEqual(['Blue Heron']);
  });

  test.each([
    ['ab', 'invalid_input'],
    ['Dupont', 'nickname_resembles_name'],
    ['Blue Heron', 'nickname_taken'],
  ])('%j is refused with %s', async (text, code) => {
    const error = await thrown(checkUserNickname(text, marie, async () => true), DomainError);
    expect(error.code).toBe(code);
  });
});
