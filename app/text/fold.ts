// Folding text for comparison and search: case, accents and a few letters that Unicode does not
// decompose (ß, æ, ø, ł, ...) all compare equal to their plain ASCII form.

/** Letters without a canonical decomposition, spelled as they are usually written in ASCII. */
const letters: Readonly<Record<string, string>> = {
  ß: 'ss', ẞ: 'ss', æ: 'ae', Æ: 'ae', œ: 'oe', Œ: 'oe', ø: 'o', Ø: 'o', ł: 'l', Ł: 'l', đ: 'd', Đ: 'd',
  ð: 'd', Ð: 'd', þ: 'th', Þ: 'th', ı: 'i', ħ: 'h', Ħ: 'h', ŋ: 'n', Ŋ: 'n', ŧ: 't', Ŧ: 't',
};
const special = new RegExp(`[${Object.keys(letters).join('')}]`, 'gu');

/**
 * Lower case without accents: "Sjögren" → "sjogren", "Łukasz" → "lukasz", "Straße" → "strasse".
 * Compatibility forms are unified too (ligatures, full-width letters).
 */
export function foldText(text: string): string {
  return text
    .replace(special, (letter) => letters[letter] ?? letter)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

/** The words of a text, folded: runs of letters and digits ("Alzheimer's type-2" → alzheimer, s, type, 2). */
export function foldedWords(text: string): string[] {
  return foldText(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}
