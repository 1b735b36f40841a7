// Whether a nickname resembles the patient's real name (SPEC PT-3: "must not resemble the real name").
import { foldedWords } from '../../text/fold.ts';

/** The identifying name the nickname is compared with. */
export interface RealName {
  readonly firstName: string;
  readonly lastName: string;
}

/**
 * A rough sound skeleton, so spellings of one name meet: "Philippe"/"Filip", "Schmidt"/"Smith",
 * "Meyer"/"Maier", "Wojcik"/"Voycik". Applied to folded (lower-case, unaccented) words.
 */
function skeleton(word: string): string {
  return word
    .replace(/sch/g, 's')
    .replace(/ph/g, 'f')
    .replace(/th/g, 't')
    .replace(/ck|qu|q|c(?=[aoukr])/g, 'k')
    .replace(/[yj]/g, 'i')
    .replace(/w/g, 'v')
    .replace(/z/g, 's')
    .replace(/([a-z])h/g, '$1')
    .replace(/ei|ai|ay|ey/g, 'ai')
    .replace(/(.)\1+/g, '$1');
}

/** Optimal string alignment distance (Levenshtein plus swapping two neighbours), capped at `limit + 1`. */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) rows[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i]!;
    const above = rows[i - 1]!;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(above[j]! + 1, row[j - 1]! + 1, above[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      row[j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** Edits allowed between two words before they stop looking alike: none below 3 letters, then 1, and 2 from 8. */
function allowedEdits(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  if (shorter < 3) return 0;
  return Math.max(a.length, b.length) >= 8 ? 2 : 1;
}

function near(a: string, b: string): boolean {
  const limit = allowedEdits(a, b);
  return limit > 0 && editDistance(a, b, limit) <= limit;
}

/** Whether one nickname word looks like one name word. */
function wordsAlike(nick: string, name: string): boolean {
  if (nick === name) return true;
  // The nickname contains a name of 3+ letters ("Martina" holds "Martin"), or a 4+ letter part of it.
  if (name.length >= 3 && nick.includes(name)) return true;
  if (nick.length >= 4 && name.includes(nick)) return true;
  return near(nick, name) || near(skeleton(nick), skeleton(name));
}

/**
 * True when the nickname resembles the first or last name. Compared case- and accent-insensitively,
 * word by word (names split at spaces, hyphens and apostrophes; single letters and digits ignored):
 * - a nickname word equals a name word, contains a name word of 3+ letters, or is a 4+ letter part
 *   of one ("Martina" ~ Martin, "Mart" ~ Martinez);
 * - the nickname's words run together contain a name word ("Du Pont" ~ Dupont);
 * - a near match: one edit (letter changed, added, dropped, or two swapped) for words of 3-7
 *   letters, two from 8 letters, on the spelling or on a rough sound skeleton ("Jon" ~ John,
 *   "Smyth" ~ Smith, "Schmidt" ~ Smith, "Filip" ~ Philippe). Two-letter names match only exactly.
 */
export function resemblesRealName(nickname: string, name: RealName): boolean {
  const nameWords = foldedWords(`${name.firstName} ${name.lastName}`).filter((w) => w.length >= 2 && !/^\d+$/.test(w));
  const nickWords = foldedWords(nickname).filter((w) => !/^\d+$/.test(w));
  if (nameWords.length === 0 || nickWords.length === 0) return false;
  const joined = nickWords.join('');
  return nameWords.some(
    (nameWord) => (nameWord.length >= 3 && joined.includes(nameWord)) || nickWords.some((nickWord) => wordsAlike(nickWord, nameWord)),
  );
}
