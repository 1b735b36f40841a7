// The nickname rules of CPMS 2.0 (FAQ 46) pinned down: format, number range, two different words,
// redraw on a clash up to 1000 times then an error asking the user, and user-defined nicknames.
import { describe, expect, test } from 'vitest';
import { DomainError } from '../../../app/errors.ts';
import {
  clashProbability,
  drawNickname,
  generatedNicknamePattern,
  generateNickname,
  maxNicknameDraws,
  nicknameCombinations,
  type RandomSource,
} from '../../../app/patients/nickname/generate.ts';
import { nicknameWords } from '../../../app/patients/nickname/words.ts';
import { thrown } from '../../fixtures/errors.ts';

/** A deterministic pseudo-random source (mulberry32), so failures reproduce. */
function seeded(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    int(bound) {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * bound);
    },
  };
}

/** Plays back the given integers, in order; fails the test if asked for more or out of range. */
function scripted(values: number[]): RandomSource & { readonly used: number } {
  let at = 0;
  return {
    get used() {
      return at;
    },
    int(bound) {
      const value = values[at++];
      if (value === undefined) throw new Error('The script ran out of numbers');
      if (value < 0 || value >= bound) throw new Error(`${value} is outside 0..${bound - 1}`);
      return value;
    },
  };
}

describe('system-generated nicknames', () => {
  test('are "Word1 Word2 Number": capitalised words from the dictionary, single spaces, 0-999 without leading zeros', () => {
    const random = seeded(1);
    const dictionary = new Set(nicknameWords);
    for (let i = 0; i < 5000; i++) {
      const nickname = drawNickname(random);
      const match = generatedNicknamePattern.exec(nickname);
      expect(match, nickname).not.toBeNull();
      const [, first, second, number] = match!;
      expect(dictionary.has(first!) && dictionary.has(second!), nickname).toBe(true);
      expect(first).not.toBe(second);
      expect(Number(number)).toBeGreaterThanOrEqual(0);
      expect(Number(number)).toBeLessThanOrEqual(999);
    }
  });

  test('the number spans 0 to 999 and the words come from the whole dictionary', () => {
    const words = ['Alpha', 'Beta', 'Gamma'];
    expect(drawNickname(scripted([0, 0, 0]), words)).toBe('Alpha Beta 0');
    expect(drawNickname(scripted([2, 1, 999]), words)).toBe('Gamma Beta 999');
    // The second word is drawn among the others: index 1 of (Alpha, Gamma) when Beta came first.
    expect(drawNickname(scripted([1, 1, 7]), words)).toBe('Beta Gamma 7');
    expect(drawNickname(scripted([1, 0, 42]), words)).toBe('Beta Alpha 42');
  });

  test('two different words are drawn with equal chances for every ordered pair', () => {
    const words = ['Alpha', 'Beta', 'Gamma'];
    const random = seeded(7);
    const counts = new Map<string, number>();
    for (let i = 0; i < 60_000; i++) {
      const [first, second] = drawNickname(random, words).split(' ');
      counts.set(`${first} ${second}`, (counts.get(`${first} ${second}`) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(count / 60_000).toBeCloseTo(1 / 6, 2);
  });

  test('a clash draws again, and the first unused nickname is taken', async () => {
    const random = scripted([0, 0, 1, 0, 0, 1, 0, 0, 2]);
    const asked: string[] = [];
    const nickname = await generateNickname(
      { random, exists: async (candidate) => (asked.push(candidate), candidate !== 'Alpha Beta 2') },
      { words: ['Alpha', 'Beta'] },
    );
    expect(nickname).toBe('Alpha Beta 2');
    expect(asked).toEqual(['Alpha Beta 1', 'Alpha Beta 1', 'Alpha Beta 2']);
  });

  test('after 1000 clashes it stops and asks the user for a nickname', async () => {
    let checks = 0;
    const error = await thrown(
      generateNickname({ random: seeded(3), exists: async () => (checks++, true) }),
      DomainError,
    );
    expect(error.code).toBe('nickname_generation_exhausted');
    expect(checks).toBe(1000);
    expect(maxNicknameDraws).toBe(1000);
  });

  test('the 1000th draw may still succeed', async () => {
    let checks = 0;
    const nickname = await generateNickname({ random: seeded(4), exists: async () => ++checks < 1000 });
    expect(checks).toBe(1000);
    expect(nickname).toMatch(generatedNicknamePattern);
  });

  test('a candidate resembling the real name is drawn again and counts as a draw', async () => {
    const words = ['Dupont', 'Cobalt', 'Lantern'];
    // Dupont Cobalt 5 resembles Marie Dupont; Cobalt Lantern 6 does not.
    const random = scripted([0, 0, 5, 1, 1, 6]);
    const asked: string[] = [];
    const nickname = await generateNickname(
      { random, exists: async (candidate) => (asked.push(candidate), false) },
      { words, realName: { firstName: 'Marie', lastName: 'Dupont' } },
    );
    expect(nickname).toBe('Cobalt Lantern 6');
    expect(asked).toEqual(['Cobalt Lantern 6']);
  });

  test('nicknames generated for many patients stay unique', async () => {
    const taken = new Set<string>();
    const ports = { random: seeded(11), exists: async (n: string) => taken.has(n) };
    for (let i = 0; i < 20_000; i++) taken.add(await generateNickname(ports));
    expect(taken.size).toBe(20_000);
  });

  test('the dictionary makes clashes rare at 1 million patients (under 0.1 % per draw)', () => {
    expect(nicknameWords.length).toBeGreaterThanOrEqual(2000);
    expect(nicknameCombinations(nicknameWords.length)).toBe(nicknameWords.length * (nicknameWords.length - 1) * 1000);
    const perDraw = clashProbability(1_000_000);
    expect(perDraw).toBeLessThan(0.001);
    // 2,389 words: 5.7 billion nicknames, 0.018 % chance that one draw clashes at 1M patients.
    expect(perDraw).toBeCloseTo(1_000_000 / nicknameCombinations(nicknameWords.length), 12);
    expect(perDraw ** 2).toBeLessThan(1e-7);
  });
});
