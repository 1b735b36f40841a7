// The browser's refresh-token vault: rotation, one call for concurrent refreshes, and what a failed
// refresh means for the session.
import { TRPCClientError } from '@trpc/client';
import { describe, expect, test } from 'vitest';
import type { TokenPair } from '../../../app/identity/schemas.ts';
import { memoryVault } from '../../../renderer/identity/vault.ts';

const pair = (n: number): TokenPair => ({
  accessToken: `access-${n}`,
  accessTokenExpiresAt: '2026-01-01T00:00:00.000Z',
  refreshToken: `${String(n).padStart(43, 'r')}`,
});

const serverError = (appCode: string) => TRPCClientError.from({ error: { message: appCode, code: -32001, data: { appCode } } });

describe('memoryVault', () => {
  test('exchanges the kept token, keeps its successor, and hands out only the access token', async () => {
    const seen: string[] = [];
    let n = 1;
    const vault = memoryVault(async (token) => {
      seen.push(token);
      return pair(++n);
    });
    await vault.keep(pair(1));
    expect(await vault.refresh()).toEqual({ ok: true, grant: { accessToken: 'access-2', accessTokenExpiresAt: '2026-01-01T00:00:00.000Z' } });
    await vault.refresh();
    expect(seen).toEqual([pair(1).refreshToken, pair(2).refreshToken]);
  });

  test('concurrent refreshes share one exchange, because a refresh token works only once', async () => {
    let calls = 0;
    const vault = memoryVault(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 10));
      return pair(2);
    });
    await vault.keep(pair(1));
    const outcomes = await Promise.all([vault.refresh(), vault.refresh(), vault.refresh()]);
    expect(calls).toBe(1);
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  test('a revoked session drops the token and says so', async () => {
    let calls = 0;
    const vault = memoryVault(async () => {
      calls++;
      throw serverError('session_revoked');
    });
    await vault.keep(pair(1));
    expect(await vault.refresh()).toEqual({ ok: false, code: 'session_revoked' });
    expect(await vault.refresh()).toEqual({ ok: false, code: 'not_signed_in' });
    expect(calls).toBe(1);
  });

  test('an unreachable server keeps the token for a later try', async () => {
    let fail = true;
    const vault = memoryVault(async () => {
      if (fail) throw new TypeError('fetch failed');
      return pair(2);
    });
    await vault.keep(pair(1));
    expect((await vault.refresh()).ok).toBe(false);
    fail = false;
    expect((await vault.refresh()).ok).toBe(true);
  });

  test('forget drops the token', async () => {
    const vault = memoryVault(async () => pair(2));
    await vault.keep(pair(1));
    await vault.forget();
    expect(await vault.refresh()).toEqual({ ok: false, code: 'not_signed_in' });
  });
});
