import { describe, expect, test } from 'vitest';
import { DomainError, type ErrorCode } from '../../../app/errors.ts';
import { thrown } from '../../fixtures/errors.ts';
import { AccessTokens, hashRefreshToken, newRefreshToken, newTokenKey } from '../../../server/identity/tokens.ts';

const claims = { userId: 'user-1', sessionId: 'session-1' };
const issuedAt = new Date('2030-03-04T09:00:00.000Z');

const refusal = async (call: Promise<unknown>): Promise<ErrorCode> => (await thrown(call, DomainError)).code;

describe('AccessTokens', () => {
  test('a signed token verifies to the same user and session until it expires', async () => {
    const tokens = new AccessTokens(newTokenKey(), 300);
    const { token, expiresAt } = await tokens.sign(claims, issuedAt);
    expect(expiresAt).toEqual(new Date(issuedAt.getTime() + 300_000));
    expect(await tokens.verify(token, issuedAt)).toEqual(claims);
    expect(await tokens.verify(token, new Date(issuedAt.getTime() + 299_000))).toEqual(claims);
  });

  test('a token past its lifetime is refused as token_expired', async () => {
    const tokens = new AccessTokens(newTokenKey(), 300);
    const { token } = await tokens.sign(claims, issuedAt);
    expect(await refusal(tokens.verify(token, new Date(issuedAt.getTime() + 301_000)))).toBe('token_expired');
  });

  test('a token whose claims were altered is refused as token_invalid', async () => {
    const tokens = new AccessTokens(newTokenKey(), 300);
    const { token } = await tokens.sign(claims, issuedAt);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), sub: 'user-2' }),
    ).toString('base64url');
    expect(await refusal(tokens.verify(`${header}.${forged}.${signature}`, issuedAt))).toBe('token_invalid');
  });

  test('a token with a damaged signature is refused as token_invalid', async () => {
    const tokens = new AccessTokens(newTokenKey(), 300);
    const { token } = await tokens.sign(claims, issuedAt);
    // Change the signature's first character: the last one partly encodes unused padding bits.
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const damaged = (signature[0] === 'A' ? 'B' : 'A') + signature.slice(1);
    expect(await refusal(tokens.verify(`${header}.${payload}.${damaged}`, issuedAt))).toBe('token_invalid');
  });

  test('a token signed with another key is refused as token_invalid', async () => {
    const { token } = await new AccessTokens(newTokenKey(), 300).sign(claims, issuedAt);
    expect(await refusal(new AccessTokens(newTokenKey(), 300).verify(token, issuedAt))).toBe('token_invalid');
  });

  test('an expired token signed with another key is invalid, not merely expired', async () => {
    const { token } = await new AccessTokens(newTokenKey(), 300).sign(claims, issuedAt);
    const later = new Date(issuedAt.getTime() + 3_600_000);
    expect(await refusal(new AccessTokens(newTokenKey(), 300).verify(token, later))).toBe('token_invalid');
  });

  test('something that is not a token is refused as token_invalid', async () => {
    const tokens = new AccessTokens(newTokenKey(), 300);
    expect(await refusal(tokens.verify('not-a-token', issuedAt))).toBe('token_invalid');
    expect(await refusal(tokens.verify('', issuedAt))).toBe('token_invalid');
  });
});

describe('refresh tokens', () => {
  test('are fresh random strings, stored only as a hash that differs from the token', () => {
    const first = newRefreshToken();
    const second = newRefreshToken();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(hashRefreshToken(first)).toBe(hashRefreshToken(first));
    expect(hashRefreshToken(first)).not.toContain(first);
    expect(hashRefreshToken(first)).not.toBe(hashRefreshToken(second));
  });
});
