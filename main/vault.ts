// Keeps the refresh token in the main process and rotates it with the server; the renderer only
// ever sees access tokens.
import { z } from 'zod';
import type { RefreshOutcome } from '../app/desktop/bridge.ts';
import { isErrorCode, type ErrorCode } from '../app/errors.ts';
import { tokenPair } from '../app/identity/schemas.ts';

/** Where the refresh token lives. Memory for now; the OS keychain (keytar) will implement the same. */
export interface TokenStore {
  read(): Promise<string | undefined>;
  write(token: string): Promise<void>;
  erase(): Promise<void>;
}

/** A {@link TokenStore} in main-process memory: gone when the app exits. */
export class MemoryTokenStore implements TokenStore {
  #token: string | undefined;

  async read(): Promise<string | undefined> {
    return this.#token;
  }

  async write(token: string): Promise<void> {
    this.#token = token;
  }

  async erase(): Promise<void> {
    this.#token = undefined;
  }
}

/** The part of `fetch` the vault uses; injected so tests need no server. */
export type Fetch = (url: string, init: RequestInit) => Promise<Response>;

/**
 * Thrown by {@link SessionVault.refresh} when the server could not be reached (network error or
 * timeout). The token is kept, so a later retry can still succeed. This is a rejection rather
 * than an `{ ok: false }` outcome because every error code means "the session is over", which a
 * dropped connection does not; it reaches the renderer as a rejected invoke whose message
 * contains "server_unreachable".
 */
export class ServerUnreachableError extends Error {
  override readonly name = 'ServerUnreachableError';

  constructor(options?: ErrorOptions) {
    super('server_unreachable', options);
  }
}

export interface SessionVaultOptions {
  /** The server's base URL, without trailing slash. */
  readonly serverUrl: string;
  readonly fetch: Fetch;
  readonly store: TokenStore;
  /** How long a refresh may take before it counts as unreachable. */
  readonly timeoutMs?: number;
}

const refreshSuccess = z.object({ result: z.object({ data: tokenPair }) });
const refreshFailure = z.object({ error: z.object({ data: z.object({ appCode: z.string() }) }) });

/** The code of a failed call; anything unknown (internal errors, garbage) is `fallback`: for a refresh, the session is gone. */
export function failureCode(body: unknown, fallback: ErrorCode = 'session_expired'): ErrorCode {
  const failure = refreshFailure.safeParse(body);
  const appCode = failure.success ? failure.data.error.data.appCode : undefined;
  return isErrorCode(appCode) ? appCode : fallback;
}

/**
 * Holds the session's refresh token and exchanges it for access tokens. Concurrent refreshes
 * share one request, because a rotated token is good for one use only and the server ends the
 * whole session when it sees one twice.
 */
export class SessionVault {
  readonly #options: SessionVaultOptions;
  #inFlight: Promise<RefreshOutcome> | undefined;
  /** Bumped by keep and forget, so a refresh answered afterwards cannot bring back an old token. */
  #generation = 0;

  constructor(options: SessionVaultOptions) {
    this.#options = options;
  }

  /** Takes the refresh token of a new sign-in, replacing any earlier one. */
  async keep(refreshToken: string): Promise<void> {
    this.#generation += 1;
    await this.#options.store.write(refreshToken);
  }

  /** Drops the refresh token (sign-out, lock, exit). */
  async forget(): Promise<void> {
    this.#generation += 1;
    await this.#options.store.erase();
  }

  /**
   * Rotates the kept token with the server. On success keeps the new refresh token and returns
   * only the access token. When the server refuses, forgets the token and returns the server's
   * code ('session_expired' for anything it cannot read). Without a token: 'not_signed_in'.
   * Rejects with {@link ServerUnreachableError} when the server cannot be reached.
   */
  refresh(): Promise<RefreshOutcome> {
    this.#inFlight ??= this.#rotate().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #rotate(): Promise<RefreshOutcome> {
    const { serverUrl, fetch, store, timeoutMs = 15_000 } = this.#options;
    const generation = this.#generation;
    const refreshToken = await store.read();
    if (refreshToken === undefined) return { ok: false, code: 'not_signed_in' };

    let response: Response;
    try {
      response = await fetch(`${serverUrl}/trpc/identity.refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new ServerUnreachableError({ cause: error });
    }
    const body: unknown = await response.json().catch(() => undefined);

    // Signed out or signed in again while the request was out: this answer is for a token the
    // vault no longer holds, so it must neither store nor erase anything.
    if (generation !== this.#generation) return { ok: false, code: 'not_signed_in' };

    const success = response.ok ? refreshSuccess.safeParse(body) : undefined;
    if (success?.success) {
      const { accessToken, accessTokenExpiresAt, refreshToken: next } = success.data.result.data;
      await store.write(next);
      return { ok: true, grant: { accessToken, accessTokenExpiresAt } };
    }
    await store.erase();
    return { ok: false, code: failureCode(body) };
  }
}
