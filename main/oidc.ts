// The desktop client's sign-in through the OpenID Connect provider, as RFC 8252 (OAuth for native
// apps) asks: the sign-in happens in the system browser, never in the app's window; the server
// sends the browser back to a port this process listens on, on 127.0.0.1 only, with a one-time
// ticket; the ticket is redeemed with a verifier that never left this process.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ProviderSignInOutcome } from '../app/desktop/bridge.ts';
import { errorCodes } from '../app/errors.ts';
import { desktopChallengeSchema, desktopLoopbackPath, oidcPaths, signInTicketSchema } from '../app/identity/oidc.ts';
import { tokenPair } from '../app/identity/schemas.ts';
import { type Fetch, failureCode, ServerUnreachableError } from './vault.ts';

export interface DesktopSignInOptions {
  /** The server's base URL, without trailing slash. */
  readonly serverUrl: string;
  readonly fetch: Fetch;
  /** Opens a URL in the user's default browser (Electron's shell.openExternal). */
  readonly openExternal: (url: string) => Promise<void>;
  /** Keeps the refresh token of the new session (the session vault's keep). */
  readonly keep: (refreshToken: string) => Promise<void>;
  /** How long to wait for the browser to come back; default 10 minutes, the server's own limit. */
  readonly timeoutMs?: number;
}

/** What the server's redirect brings to the loopback port: the ticket, or why the sign-in failed. */
const loopbackAnswer = z.union([
  z.object({ challenge: desktopChallengeSchema, ticket: signInTicketSchema }).strict(),
  z.object({ challenge: desktopChallengeSchema, error: z.enum(errorCodes) }).strict(),
]);
type LoopbackAnswer = z.infer<typeof loopbackAnswer>;

const redeemSuccess = z.object({ result: z.object({ data: tokenPair }) });

type Ending = Extract<ProviderSignInOutcome, { ok: false }>['code'];

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Answers a browser that came to the port with what it needs next, and nothing about the sign-in. */
function reply(response: ServerResponse, status: number, location?: string): void {
  response.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    ...(location ? { Location: location } : {}),
  });
  response.end(status === 404 ? 'Not found' : status === 400 ? 'This is not the answer to the Consilium sign-in in progress.' : '');
}

/**
 * Signs the desktop client in through the provider, one sign-in at a time. Construct once; call
 * {@link signIn} when the user asks and {@link cancel} when they give up or the app quits.
 */
export class DesktopSignIn {
  readonly #options: DesktopSignInOptions;
  #stop: ((ending: Ending) => void) | undefined;

  constructor(options: DesktopSignInOptions) {
    this.#options = options;
  }

  /** Ends the sign-in in progress, if any, as 'cancelled'. */
  cancel(): void {
    this.#stop?.('cancelled');
  }

  /**
   * Opens the server's start page in the system browser and waits on a loopback port for the answer.
   * On success keeps the refresh token and returns only the access token. A sign-in in progress is
   * cancelled first. Rejects with {@link ServerUnreachableError} when the server cannot be reached
   * to redeem the ticket.
   */
  async signIn(): Promise<ProviderSignInOutcome> {
    this.cancel();
    const { serverUrl, openExternal, timeoutMs = 10 * 60_000 } = this.#options;
    const verifier = randomBytes(32).toString('base64url');
    const challenge = sha256(verifier);

    let settled = false;
    let resolve!: (result: LoopbackAnswer | Ending) => void;
    const result = new Promise<LoopbackAnswer | Ending>((r) => (resolve = r));
    const settle = (value: LoopbackAnswer | Ending) => {
      settled = true;
      resolve(value);
    };
    const stop = (ending: Ending) => settle(ending);
    this.#stop = stop;
    const timer = setTimeout(() => settle('timed_out'), timeoutMs);

    const server = createServer((request, response) => {
      const answer = this.#read(request, challenge);
      if (answer === 'not_found' || answer === 'foreign') return reply(response, answer === 'not_found' ? 404 : 400);
      const done = new URL(oidcPaths.done, serverUrl);
      if ('error' in answer) done.searchParams.set('error', answer.error);
      reply(response, 303, done.href);
      settle(answer);
    });
    try {
      const port = await listen(server);
      // Cancelled or replaced while the port opened: no browser for a sign-in nobody waits for.
      if (settled) return { ok: false, code: 'cancelled' };
      const start = new URL(oidcPaths.start, serverUrl);
      start.searchParams.set('desktop_challenge', challenge);
      start.searchParams.set('desktop_port', String(port));
      try {
        await openExternal(start.href);
      } catch {
        return { ok: false, code: 'browser_unavailable' };
      }
      const answer = await result;
      if (typeof answer === 'string') return { ok: false, code: answer };
      if ('error' in answer) return { ok: false, code: answer.error };
      return await this.#redeem(answer.ticket, verifier);
    } finally {
      clearTimeout(timer);
      if (this.#stop === stop) this.#stop = undefined;
      server.closeAllConnections();
      server.close();
    }
  }

  /** The answer in a request to the port, if it is one for this sign-in. */
  #read(request: IncomingMessage, challenge: string): LoopbackAnswer | 'not_found' | 'foreign' {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== desktopLoopbackPath) return 'not_found';
    const answer = loopbackAnswer.safeParse(Object.fromEntries(url.searchParams));
    // Another sign-in's answer (e.g. from a link someone else made) is not ours to take.
    if (!answer.success || answer.data.challenge !== challenge) return 'foreign';
    return answer.data;
  }

  async #redeem(ticket: string, verifier: string): Promise<ProviderSignInOutcome> {
    const { serverUrl, fetch, keep } = this.#options;
    let response: Response;
    try {
      response = await fetch(`${serverUrl}/trpc/identity.oidc.redeemTicket`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ticket, verifier }),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new ServerUnreachableError({ cause: error });
    }
    const body: unknown = await response.json().catch(() => undefined);
    const success = response.ok ? redeemSuccess.safeParse(body) : undefined;
    if (!success?.success) return { ok: false, code: failureCode(body, 'sign_in_expired') };
    const { accessToken, accessTokenExpiresAt, refreshToken } = success.data.result.data;
    await keep(refreshToken);
    return { ok: true, grant: { accessToken, accessTokenExpiresAt } };
  }
}

/** Listens on a free port of 127.0.0.1 (never another interface) and returns the port. */
function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}
