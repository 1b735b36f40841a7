// System-generated nicknames, as CPMS 2.0 makes them (FAQ 46): "Word1 Word2 Number", two words from
// the dictionary and a number from 0 to 999, drawn again on a clash, at most 1000 times.
import { DomainError } from '../../errors.ts';
import { type RealName, resemblesRealName } from './resemblance.ts';
import { nicknameWords } from './words.ts';

/** The number part is a random integer from 0 to 999, written without leading zeros. */
export const nicknameNumberBound = 1000;

/** Draws made before giving up and asking the user for a nickname. */
export const maxNicknameDraws = 1000;

/** What every generated nickname looks like: two different capitalised words and a number, single spaces. */
export const generatedNicknamePattern = /^([A-Z][a-z]+) ([A-Z][a-z]+) (0|[1-9]\d{0,2})$/;

/** Where randomness comes from: the server passes a cryptographic source, tests a scripted one. */
export interface RandomSource {
  /** A uniformly distributed integer from 0 to `bound - 1`. */
  int(bound: number): number;
}

export interface NicknameGenerationPorts {
  readonly random: RandomSource;
  /** Whether a patient already has this nickname (compared as `nicknameKey` does). */
  exists(nickname: string): Promise<boolean>;
}

export interface NicknameGenerationOptions {
  /** Candidates resembling this name are drawn again (they count as draws). */
  readonly realName?: RealName;
  /** The dictionary; the shipped one by default. */
  readonly words?: readonly string[];
}

/**
 * How many different nicknames a dictionary of `wordCount` words gives: ordered pairs of two
 * different words, times 1000 numbers. The shipped 2,389 words give 5,704,932,000.
 */
export function nicknameCombinations(wordCount: number): number {
  return wordCount * (wordCount - 1) * nicknameNumberBound;
}

/**
 * The chance that one draw hits a nickname already taken, with `patients` nicknames in use (all
 * assumed drawn from the dictionary, the worst case): with the shipped dictionary and 1 million
 * patients, 1e6 / 5.7e9 ≈ 0.018 % per draw; all 1000 draws clashing then has a chance of about 10^-3756.
 */
export function clashProbability(patients: number, wordCount: number = nicknameWords.length): number {
  return Math.min(1, patients / nicknameCombinations(wordCount));
}

/** One candidate: two different words and a number, e.g. "Cobalt Lantern 42". */
export function drawNickname(random: RandomSource, words: readonly string[] = nicknameWords): string {
  if (words.length < 2) throw new Error('A nickname dictionary needs at least two words');
  const first = random.int(words.length);
  // Draw the second among the other words, so the two always differ and stay uniform.
  const second = random.int(words.length - 1);
  const number = random.int(nicknameNumberBound);
  return `${words[first]} ${words[second >= first ? second + 1 : second]} ${number}`;
}

/**
 * A nickname no patient has yet, that does not resemble `realName`. Draws up to 1000 candidates;
 * then fails with `nickname_generation_exhausted`, which asks the user to enter one.
 */
export async function generateNickname(ports: NicknameGenerationPorts, options: NicknameGenerationOptions = {}): Promise<string> {
  const words = options.words ?? nicknameWords;
  for (let draw = 0; draw < maxNicknameDraws; draw++) {
    const candidate = drawNickname(ports.random, words);
    if (options.realName && resemblesRealName(candidate, options.realName)) continue;
    if (!(await ports.exists(candidate))) return candidate;
  }
  throw new DomainError('nickname_generation_exhausted', { draws: maxNicknameDraws });
}
