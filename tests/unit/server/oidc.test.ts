// The pieces of a provider sign-in that need no server: the bounded one-time store and usernames.
import { describe, expect, test } from 'vitest';
import { OneTimeStore } from '../../../server/identity/oidc/one-time.ts';
import { baseUsername, usernameCandidates } from '../../../server/identity/oidc/usernames.ts';

const at = (seconds: number) => new Date(Date.UTC(2030, 0, 1, 9, 0, seconds));

describe('OneTimeStore', () => {
  test('an entry is taken once', () => {
    const store = new OneTimeStore<string>({ capacity: 10, lifetimeSeconds: 60 });
    store.add('k', 'v', at(0));
    expect(store.take('k', at(1))).toBe('v');
    expect(store.take('k', at(2))).toBeUndefined();
  });

  test('an entry past its lifetime is gone', () => {
    const store = new OneTimeStore<string>({ capacity: 10, lifetimeSeconds: 60 });
    store.add('k', 'v', at(0));
    expect(store.take('k', at(60))).toBeUndefined();
    expect(store.size).toBe(0);
  });

  test('when full it drops expired entries, and refuses while none has expired', () => {
    const store = new OneTimeStore<number>({ capacity: 2, lifetimeSeconds: 60 });
    expect(store.add('a', 1, at(0))).toBe(true);
    expect(store.add('b', 2, at(30))).toBe(true);
    expect(store.add('c', 3, at(40))).toBe(false);
    expect(store.secondsUntilRoom(at(40))).toBe(20);
    expect(store.add('c', 3, at(60))).toBe(true);
    expect(store.take('a', at(61))).toBeUndefined();
    expect(store.take('b', at(61))).toBe(2);
    expect(store.take('c', at(61))).toBe(3);
  });
});

describe('usernames for provisioned accounts', () => {
  test.each([
    ['anna.schmidt@uniklinik.example', 'anna.schmidt'],
    ['Zoë.Ångström+ern@hospital.example', 'zoe.angstromern'],
    ['j@x.example', 'given.family'],
    ['--..__@x.example', 'given.family'],
  ])('from the email %s: %s', (email, expected) => {
    expect(baseUsername(email, 'Given', 'Family')).toBe(expected);
  });

  test('from the name when the email gives too little, else "user"', () => {
    expect(baseUsername(undefined, 'Łukasz', 'Żółć')).toBe('lukasz.zolc');
    expect(baseUsername('x@y.example', undefined, undefined)).toBe('user');
  });

  test('candidates are the base, then numbered, then one with a random suffix; all are valid usernames', () => {
    const candidates = usernameCandidates('anna.schmidt');
    expect(candidates.slice(0, 3)).toEqual(['anna.schmidt', 'anna.schmidt2', 'anna.schmidt3']);
    expect(candidates.at(-1)).toMatch(/^anna\.schmidt-[0-9a-f]{6}$/);
    const long = baseUsername(`${'a'.repeat(200)}@x.example`, undefined, undefined);
    for (const candidate of usernameCandidates(long)) expect(candidate).toMatch(/^[a-z0-9._-]{3,64}$/);
  });
});
