// User-defined nicknames: what text is allowed, when two nicknames count as the same, and when the
// "Validate" button may be pressed (FAQ 46: only once the nickname is known to be unused).
import { z } from 'zod';
import { DomainError } from '../../errors.ts';
import { foldText } from '../../text/fold.ts';
import { type RealName, resemblesRealName } from './resemblance.ts';

export const nicknameMinLength = 3;
export const nicknameMaxLength = 40;

/** Words of letters (any script, with accents) and digits, joined by single spaces, hyphens or apostrophes. */
const allowed = /^[\p{L}\p{M}\p{N}]+(?:(?: |-|')[\p{L}\p{M}\p{N}]+)*$/u;

/** The stored form of what the user typed: NFC, trimmed, inner whitespace runs as one space, ’ as '. */
export function normaliseNickname(text: string): string {
  return text.normalize('NFC').replace(/[\u2018\u2019\u02bc]/g, "'").trim().replace(/\s+/gu, ' ');
}

/**
 * A user-defined nickname, normalised: 3 to 40 characters; letters, digits, spaces, hyphens and
 * apostrophes (the last three only between words); at least one letter.
 */
export const nicknameSchema = z
  .string()
  .max(200, `At most ${nicknameMaxLength} characters`)
  .transform(normaliseNickname)
  .pipe(
    z
      .string()
      .min(nicknameMinLength, `At least ${nicknameMinLength} characters`)
      .max(nicknameMaxLength, `At most ${nicknameMaxLength} characters`)
      .regex(allowed, 'Letters, digits, spaces, hyphens and apostrophes only, between words')
      .regex(/\p{L}/u, 'At least one letter'),
  );

/**
 * What makes two nicknames the same for uniqueness: case, accents and spacing do not count, so
 * "Blue Heron" and "blue  héron" cannot both exist. Store it in a unique column beside the nickname.
 */
export function nicknameKey(nickname: string): string {
  return foldText(normaliseNickname(nickname));
}

/**
 * Checks a user-defined nickname on the server before it is saved: the format, the real name, then
 * uniqueness. Returns the normalised nickname; throws `invalid_input`, `nickname_resembles_name` or
 * `nickname_taken`.
 */
export async function checkUserNickname(
  text: string,
  realName: RealName,
  exists: (nickname: string) => Promise<boolean>,
): Promise<string> {
  const parsed = nicknameSchema.safeParse(text);
  if (!parsed.success) throw new DomainError('invalid_input', { field: 'nickname' });
  if (resemblesRealName(parsed.data, realName)) throw new DomainError('nickname_resembles_name');
  if (await exists(parsed.data)) throw new DomainError('nickname_taken');
  return parsed.data;
}

/** Where the nickname field stands, for the form to say so and enable "Validate". */
export type NicknameCheck =
  | { readonly state: 'empty' }
  | { readonly state: 'invalid'; readonly messages: readonly string[] }
  | { readonly state: 'resembles_name' }
  | { readonly state: 'checking' }
  | { readonly state: 'taken' }
  | { readonly state: 'available'; readonly nickname: string };

export interface NicknameFieldState {
  /** What the user typed. */
  readonly text: string;
  readonly realName: RealName;
  /** The last uniqueness answer from the server, for the nickname with this key. */
  readonly availability?: { readonly key: string; readonly available: boolean };
}

/**
 * The field's state: the format and the real name are checked locally; uniqueness comes from the
 * server, and an answer about other text (typed since) does not count: that is still 'checking'.
 */
export function nicknameCheck(field: NicknameFieldState): NicknameCheck {
  if (normaliseNickname(field.text) === '') return { state: 'empty' };
  const parsed = nicknameSchema.safeParse(field.text);
  if (!parsed.success) return { state: 'invalid', messages: parsed.error.issues.map((issue) => issue.message) };
  if (resemblesRealName(parsed.data, field.realName)) return { state: 'resembles_name' };
  if (field.availability?.key !== nicknameKey(parsed.data)) return { state: 'checking' };
  return field.availability.available ? { state: 'available', nickname: parsed.data } : { state: 'taken' };
}

/** The "Validate" button is enabled only for a well-formed nickname, unlike the name, known to be unused. */
export function canValidateNickname(field: NicknameFieldState): boolean {
  return nicknameCheck(field).state === 'available';
}
