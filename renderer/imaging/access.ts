// Access tokens for the viewer's DICOMweb requests, which bypass the tRPC client: renewed shortly
// before they expire, so a long reading session does not stall on a 401 in the middle of a scroll.
import type { TokenSource } from './cornerstone.ts';

/** Seconds since the epoch at which a JWT expires, or undefined if it does not say. */
export function tokenExpiry(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp : undefined;
  } catch {
    return undefined;
  }
}

/** The session as far as the viewer needs it. */
export interface TokenSession {
  readonly accessToken: string | undefined;
  refresh(): Promise<boolean>;
}

/** A token source that renews the access token when it has less than `marginMs` left. */
export function freshTokens(session: TokenSession, marginMs = 30_000): TokenSource {
  return async () => {
    const token = session.accessToken;
    if (!token) return undefined;
    const expiry = tokenExpiry(token);
    if (expiry !== undefined && expiry * 1000 - Date.now() < marginMs) await session.refresh().catch(() => false);
    return session.accessToken;
  };
}
