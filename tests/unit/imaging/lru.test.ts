// The DICOMweb store's in-memory caches: bounded by bytes, least recently used out first.
import { describe, expect, test } from 'vitest';
import { mapConcurrently, SizedLru } from '../../../server/imaging/lru.ts';

describe('SizedLru', () => {
  test('evicts the least recently used values once over its size, and never keeps a value over a quarter of it', () => {
    const lru = new SizedLru<string>(12, (value) => value.length);
    lru.set('a', 'aaa');
    lru.set('b', 'bbb');
    lru.set('c', 'ccc');
    expect(lru.get('a')).toBe('aaa');
    lru.set('d', 'ddd');
    lru.set('e', 'eee');
    // b was the least recently used, then c.
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe('aaa');
    expect(lru.get('e')).toBe('eee');
    lru.set('big', 'xxxx');
    expect(lru.get('big')).toBeUndefined();
    lru.delete('a');
    expect(lru.get('a')).toBeUndefined();
    // Replacing a value counts its size once.
    for (let i = 0; i < 10; i++) lru.set('e', 'eee');
    expect(lru.get('d')).toBe('ddd');
  });
});

describe('mapConcurrently', () => {
  test('keeps the order of the items and at most the limit in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapConcurrently([5, 1, 4, 2, 3], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight--;
      return n * 10;
    });
    expect(results).toEqual([50, 10, 40, 20, 30]);
    expect(most).toBe(2);
  });
});
