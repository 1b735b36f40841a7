// The harness's clients: users created offline, sign-in with a one-time code no earlier sign-in of
// that user has used, and a loop of refresh-token rotations that records each acknowledged one.
import { TRPCClientError } from '@trpc/client';
import type { Database } from '../../server/db/database.ts';
import { hashRefreshToken } from '../../server/identity/tokens.ts';
import { totpCode, totpPeriodSeconds, totpStep } from '../../server/identity/totp.ts';
import { buildUser } from '../../tests/fixtures/factories.ts';
import { connect } from '../../tests/fixtures/server.ts';
import type { AckedWrite } from './verify.ts';

export interface PoolUser {
  readonly username: string;
  readonly password: string;
  readonly secret: string;
  /** The last one-time-code step accepted for this user (the server's totpLastStep). */
  lastStep: number;
}

export interface ClientState {
  readonly index: number;
  /** The refresh token of the client's last acknowledged sign-in or rotation. */
  token: string | undefined;
  username: string | undefined;
}

/** Creates `count` users in the open database (argon2 hashes, two at a time: the harness has two cores). */
export async function createUsers(db: Database, count: number): Promise<PoolUser[]> {
  const users: PoolUser[] = [];
  for (let i = 0; i < count; i += 2) {
    const batch = Array.from({ length: Math.min(2, count - i) }, (_, j) => i + j + 1);
    const built = await Promise.all(
      batch.map((n) => buildUser(db, { username: `crash.user${String(n).padStart(3, '0')}`, password: `crash harness password ${n}` })),
    );
    for (const user of built) users.push({ username: user.username, password: user.password, secret: user.totpSecret, lastStep: 0 });
  }
  return users;
}

/**
 * A user who may sign in now, and the step to use: after its last accepted step and within the
 * server's tolerance of one step either side. Users are tried from `start` on, so sign-ins spread.
 */
export function pickUser(pool: readonly PoolUser[], start: number, now: Date): { user: PoolUser; step: number } | undefined {
  const current = totpStep(now);
  for (let i = 0; i < pool.length; i++) {
    const user = pool[(start + i) % pool.length];
    if (!user) continue;
    const step = Math.max(current, user.lastStep + 1);
    if (step <= current + 1) return { user, step };
  }
  return undefined;
}

export type Api = ReturnType<typeof connect>['api'];

/** Signs `user` in over tRPC with the code of `step`; returns the refresh token. */
export async function signIn(api: Api, user: PoolUser, step: number): Promise<string> {
  const code = totpCode(user.secret, new Date((step * totpPeriodSeconds + 1) * 1000));
  const pair = await api.identity.signIn.mutate({ username: user.username, password: user.password, code });
  user.lastStep = step;
  return pair.refreshToken;
}

export interface LoopResult {
  acked: number;
  /** Set when a call failed before the server was killed (never expected). */
  unexpected: string | undefined;
}

/**
 * Rotates the client's refresh token until `stopped()` or a call fails. Every response that arrives
 * is an acknowledged write, whenever it arrives: it is recorded before anything else happens.
 */
export async function refreshLoop(client: ClientState, api: Api, round: number, record: (write: AckedWrite) => void, stopped: () => boolean): Promise<LoopResult> {
  let count = 0;
  while (!stopped() && client.token) {
    const presented = client.token;
    try {
      const pair = await api.identity.refresh.mutate({ refreshToken: presented });
      record({ kind: 'refresh', round, client: client.index, presentedHash: hashRefreshToken(presented), newHash: hashRefreshToken(pair.refreshToken) });
      client.token = pair.refreshToken;
      count += 1;
    } catch (error) {
      if (stopped()) break;
      const detail = error instanceof TRPCClientError ? `${error.message} (${JSON.stringify(error.data?.code ?? null)})` : String(error);
      return { acked: count, unexpected: `client ${client.index}: refresh failed before the kill: ${detail}` };
    }
  }
  return { acked: count, unexpected: undefined };
}

export { connect };
