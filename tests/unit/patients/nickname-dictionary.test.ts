// The nickname dictionary holds no person's name, nothing offensive and no medical term: checked
// against European name lists, an offensive-word list and a sensitive-word list (tests/fixtures/
// nicknames, see its MANIFEST), and against every one-word HPO and Orphanet term shipped.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { nicknameWords } from '../../../app/patients/nickname/words.ts';
import { foldedWords, foldText } from '../../../app/text/fold.ts';
import { readShippedSync } from '../../../server/codes/load.ts';
import { sourceFiles } from '../../../server/codes/sources.ts';

const fixtures = new URL('../../fixtures/nicknames/', import.meta.url);
const read = (base: URL, name: string) => readFileSync(new URL(name, base), 'utf8');

/** Every word of every name in a kind/name TSV, folded ("Marie-Hélène" gives marie, helene). */
function nameWords(file: string): Set<string> {
  const words = new Set<string>();
  for (const line of read(fixtures, file).split('\n').slice(1)) {
    const name = line.split('\t')[1];
    if (name) for (const word of foldedWords(name)) words.add(word);
  }
  return words;
}

function wordList(file: string): Set<string> {
  return new Set(read(fixtures, file).split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#')).map(foldText));
}

/** One-word terms (names and synonyms; acronyms aside) of the HPO release and Orphanet nomenclature. */
function oneWordMedicalTerms(): Set<string> {
  const terms = new Set<string>();
  const add = (term: string) => {
    if (!/\s/.test(term) && term !== term.toUpperCase()) terms.add(foldText(term));
  };
  for (const match of readShippedSync(sourceFiles.hpo).matchAll(/^(?:name: (.+)|synonym: "([^"]+)")$/gm)) add((match[1] ?? match[2] ?? '').trim());
  for (const line of readShippedSync(sourceFiles.orphanet).split('\n').slice(1)) {
    const [, term = '', , , , synonyms = ''] = line.split('\t');
    for (const t of [term, ...synonyms.split(' | ')]) if (t) add(t.trim());
  }
  return terms;
}

const folded = nicknameWords.map(foldText);
const overlap = (list: Set<string>) => nicknameWords.filter((_, i) => list.has(folded[i]!));

describe('the nickname dictionary', () => {
  test('has at least 2000 distinct, capitalised one-word entries of ASCII letters', () => {
    expect(nicknameWords.length).toBeGreaterThanOrEqual(2000);
    expect(new Set(folded).size).toBe(nicknameWords.length);
    for (const word of nicknameWords) expect(word).toMatch(/^[A-Z][a-z]{1,}$/);
  });

  test('the fixtures are real lists (so an empty file cannot pass the checks below)', () => {
    const given = nameWords('names-faker.tsv');
    expect(given.size).toBeGreaterThan(15_000);
    for (const name of ['marie', 'jan', 'giulia', 'lukasz', 'soren', 'rose', 'amber', 'jasper']) expect(given.has(name) || nameWords('names-british-irish.tsv').has(name), name).toBe(true);
    expect(wordList('offensive-en.txt').size).toBeGreaterThan(300);
    expect(wordList('sensitive-words.txt')).toContain('cancer');
    expect(oneWordMedicalTerms()).toContain('cataract');
  });

  test('contains no common given name or surname of a European country', () => {
    expect(overlap(nameWords('names-faker.tsv'))).toEqual([]);
    expect(overlap(nameWords('names-british-irish.tsv'))).toEqual([]);
  });

  test('contains no offensive word', () => {
    expect(overlap(wordList('offensive-en.txt'))).toEqual([]);
  });

  test('contains no sensitive word, and no disease or medical term that could mislead', () => {
    expect(overlap(wordList('sensitive-words.txt'))).toEqual([]);
    expect(overlap(oneWordMedicalTerms())).toEqual([]);
    for (const word of ['Cancer', 'Tumour', 'Cataract', 'Lupus', 'Stroke', 'Shingles']) expect(nicknameWords).not.toContain(word);
  });
});
