import { describe, expect, test } from 'vitest';
import { freshTokens, tokenExpiry } from '../../../renderer/imaging/access.ts';

const jwt = (payload: object) => `h.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.s`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('tokenExpiry', () => {
  test('reads exp from a JWT, and nothing from what is not one', () => {
    expect(tokenExpiry(jwt({ exp: 1_900_000_000 }))).toBe(1_900_000_000);
    expect(tokenExpiry(jwt({ sub: 'x' }))).toBeUndefined();
    expect(tokenExpiry('opaque')).toBeUndefined();
    expect(tokenExpiry('a.%%%.b')).toBeUndefined();
  });
});

describe('freshTokens', () => {
  function session(exp: number) {
    const state = { accessToken: jwt({ exp }) as string | undefined, refreshes: 0 };
    return Object.assign(state, {
      refresh: async () => {
        state.refreshes++;
        state.accessToken = jwt({ exp: nowSeconds() + 300 });
        return true;
      },
    });
  }

  test('hands out the current token while it has time left', async () => {
    const s = session(nowSeconds() + 200);
    const token = s.accessToken;
    expect(await freshTokens(s)()).toBe(token);
    expect(s.refreshes).toBe(0);
  });

  test('renews a token about to expire, or expired, before handing it out', async () => {
    for (const exp of [nowSeconds() + 10, nowSeconds() - 60]) {
      const s = session(exp);
      const old = s.accessToken;
      const token = await freshTokens(s)();
      expect(s.refreshes).toBe(1);
      expect(token).not.toBe(old);
      expect(tokenExpiry(token!)).toBeGreaterThan(nowSeconds() + 200);
    }
  });

  test('gives nothing when signed out', async () => {
    const s = session(0);
    s.accessToken = undefined;
    expect(await freshTokens(s)()).toBeUndefined();
  });
});
