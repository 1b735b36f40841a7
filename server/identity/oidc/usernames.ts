// Usernames for accounts provisioned at a first sign-in through a provider: readable, derived from
// the email address (or the name), in the characters usernames allow, unique by a number suffix.
import { randomBytes } from 'node:crypto';

const maxLength = 64;

/** European letters that Unicode does not decompose into a base letter and an accent. */
const letters: Readonly<Record<string, string>> = { ł: 'l', đ: 'd', ð: 'd', ø: 'o', æ: 'ae', œ: 'oe', ß: 'ss', þ: 'th', ı: 'i', ħ: 'h' };

/** Lower-case ASCII letters, digits, dot, dash and underscore only; accents dropped, not the letter. */
function clean(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[łđðøæœßþıħ]/g, (letter) => letters[letter] ?? '')
    .replace(/[^a-z0-9._-]+/g, '')
    .replace(/([._-])[._-]+/g, '$1')
    .replace(/^[._-]+|[._-]+$/g, '');
}

/** The preferred username: the email's local part, else "given.family", else "user". */
export function baseUsername(email: string | undefined, givenName: string | undefined, familyName: string | undefined): string {
  const fromEmail = clean(email?.split('@')[0] ?? '');
  if (fromEmail.length >= 3) return fromEmail.slice(0, maxLength - 8);
  const fromName = clean([givenName, familyName].filter(Boolean).join('.'));
  if (fromName.length >= 3) return fromName.slice(0, maxLength - 8);
  return 'user';
}

/**
 * Candidates in order of preference: `base`, `base2` ... `base99`, then `base` with a random
 * suffix (which in practice is free).
 */
export function usernameCandidates(base: string, count = 100): string[] {
  const candidates = [base];
  for (let n = 2; n < count; n += 1) candidates.push(`${base}${n}`);
  candidates.push(`${base}-${randomBytes(3).toString('hex')}`);
  return candidates;
}
