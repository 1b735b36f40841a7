// Sign-in, sessions and token rotation: the decisions; I/O comes in through the constructor.
import { EventEmitter } from 'node:events';
import { DomainError } from '../../app/errors.ts';
import { abilities } from '../../app/access/policy.ts';
import type { Actor } from '../../app/access/actor.ts';
import { privacyStatement } from '../../app/identity/privacy-statement.ts';
import type { ErnRole, GlobalRole } from '../../app/identity/roles.ts';
import type { MeView, SignInInput, TokenPair } from '../../app/identity/schemas.ts';
import type { AuditEntry } from '../audit/log.ts';
import type { Clock } from '../clock.ts';
import type { PasswordHasher } from './passwords.ts';
import type { IdentityRepo, SessionRow } from './repo.ts';
import type { FailureThrottle } from './throttle.ts';
import { checkTotpCode } from './totp.ts';
import { type AccessTokens, hashRefreshToken, newRefreshToken } from './tokens.ts';

/** Consecutive failures (password or code) after which an account locks, and for how long. */
export const lockAfterFailures = 5;
export const lockMinutes = 15;
/** lastSeenAt is refreshed at most this often, to keep reads from writing on every request. */
const touchEverySeconds = 30;

export type SessionEndReason = 'signed_out' | 'token_reuse' | 'revoked';

export interface SessionPolicy {
  readonly idleSeconds: number;
  readonly maxSeconds: number;
}

export interface Caller {
  readonly userId: string;
  readonly sessionId: string;
  /** The clinician this session acts for as their assistant, if chosen. */
  readonly actingForId?: string | null;
}

export interface IdentityDeps {
  readonly repo: IdentityRepo;
  readonly clock: Clock;
  readonly hasher: PasswordHasher;
  readonly tokens: AccessTokens;
  readonly throttle: FailureThrottle;
  readonly sessions: SessionPolicy;
  /** Records sign-ins and their failures in the audit log. */
  readonly audit: (entry: AuditEntry) => Promise<void>;
}

export class IdentityService {
  readonly #d: IdentityDeps;
  /** Emits `ended` with (sessionId, reason) when a session is revoked, for live sign-out. */
  readonly sessionEvents = new EventEmitter().setMaxListeners(0);
  /** A real hash to verify against when the username is unknown, so timing does not tell. */
  #dummyHash: Promise<string> | undefined;

  constructor(deps: IdentityDeps) {
    this.#d = deps;
  }

  /** Signs in with password and one-time code; every attempt is audited (the user's id if known, never the name). */
  async signIn(input: SignInInput, clientKey: string): Promise<TokenPair> {
    let userId: string | null = null;
    try {
      const pair = await this.#signIn(input, clientKey, (id) => (userId = id));
      await this.#d.audit({ actorId: userId, action: 'identity.signIn', recordType: 'user', recordId: userId, outcome: 'success' });
      return pair;
    } catch (error) {
      const code = error instanceof DomainError ? error.code : 'internal';
      await this.#d.audit({ actorId: userId, action: 'identity.signIn', recordType: userId ? 'user' : null, recordId: userId, outcome: 'failure', details: { code } }).catch(() => undefined);
      throw error;
    }
  }

  async #signIn(input: SignInInput, clientKey: string, identified: (userId: string) => void): Promise<TokenPair> {
    const { repo, clock, hasher, throttle } = this.#d;
    const userKey = `user:${input.username.toLowerCase()}`;
    const addressKey = `addr:${clientKey}`;
    const wait = Math.max(throttle.retryAfterSeconds(userKey), throttle.retryAfterSeconds(addressKey));
    if (wait > 0) throw new DomainError('too_many_attempts', { retryAfterSeconds: wait });

    // Count the attempt before checking it, and forgive it on success: attempts made in parallel
    // (one batched request can carry many) must not all pass while the first is being verified.
    throttle.fail(userKey);
    throttle.fail(addressKey);

    const user = await repo.findUserForSignIn(input.username);
    const fail = async (code: 'invalid_credentials' | 'wrong_code' | 'code_already_used'): Promise<never> => {
      if (user) {
        const failures = await repo.countFailure(user.id);
        if (failures >= lockAfterFailures) {
          const lockedUntil = new Date(clock.now().getTime() + lockMinutes * 60_000);
          await repo.lockAccount(user.id, lockedUntil);
          throw new DomainError('account_locked', { until: lockedUntil.toISOString() });
        }
      }
      throw new DomainError(code);
    };

    if (!user) {
      await hasher.verify(await this.#dummy(), input.password);
      return fail('invalid_credentials');
    }
    identified(user.id);
    const now = clock.now();
    if (user.lockedUntil && user.lockedUntil > now) {
      throw new DomainError('account_locked', { until: user.lockedUntil.toISOString() });
    }
    if (!(await hasher.verify(user.passwordHash, input.password))) return fail('invalid_credentials');
    if (user.status !== 'active') throw new DomainError('account_deactivated');
    if (user.guestUntil && user.guestUntil <= now) throw new DomainError('guest_access_expired');
    const code = checkTotpCode(user.totpSecret, input.code, user.totpLastStep, now);
    if (!code.valid) return fail(code.replayed ? 'code_already_used' : 'wrong_code');

    const pair = await this.#openSession(user.id, now, code.step);
    if (!pair) {
      // A concurrent attempt used this code first, or failed often enough to lock the account.
      const current = await repo.findUserForSignIn(input.username);
      if (current?.lockedUntil && current.lockedUntil > now) {
        throw new DomainError('account_locked', { until: current.lockedUntil.toISOString() });
      }
      return fail('code_already_used');
    }
    throttle.clear(userKey);
    throttle.clear(addressKey);
    return pair;
  }

  /**
   * Opens a session for a user whose sign-in another path has verified (an OpenID Connect
   * provider), with the same lifetimes and token pair as a password sign-in. A password lock does
   * not apply: it guards the password, which this sign-in did not use.
   */
  async openVerifiedSession(userId: string): Promise<TokenPair> {
    const status = await this.#d.repo.findUserStatus(userId);
    if (!status) throw new DomainError('not_found');
    if (status !== 'active') throw new DomainError('account_deactivated');
    const pair = await this.#openSession(userId, this.#d.clock.now());
    if (!pair) throw new Error('A session without a one-time code cannot be refused');
    return pair;
  }

  /** Exchanges a refresh token for a new pair. A token used twice ends its whole session. */
  async refresh(refreshToken: string): Promise<TokenPair> {
    const { repo, clock } = this.#d;
    const now = clock.now();
    const stored = await repo.findRefreshToken(hashRefreshToken(refreshToken));
    if (!stored) throw new DomainError('session_expired');
    const session = stored.session;
    this.#assertUsable(session, now);
    if (stored.usedAt) {
      await this.#end(session.id, 'token_reuse');
      throw new DomainError('session_revoked');
    }
    const next = newRefreshToken();
    const rotated = await repo.rotateRefreshToken({ tokenId: stored.id, sessionId: session.id, userId: session.userId, newHash: hashRefreshToken(next), now });
    if (!rotated) {
      await this.#end(session.id, 'token_reuse');
      throw new DomainError('session_revoked');
    }
    return this.#tokenPair({ userId: session.userId, sessionId: session.id }, next, now);
  }

  /** Resolves an access token to its caller, checking that the session is still alive. */
  async authenticate(accessToken: string): Promise<Caller> {
    const { repo, clock, tokens } = this.#d;
    const now = clock.now();
    const claims = await tokens.verify(accessToken, now);
    const session = await repo.findSession(claims.sessionId);
    if (!session || session.userId !== claims.userId) throw new DomainError('token_invalid');
    this.#assertUsable(session, now);
    if (now.getTime() - session.lastSeenAt.getTime() > touchEverySeconds * 1000) await repo.touchSession(session.id, now);
    return { ...claims, actingForId: session.actingForId };
  }

  /**
   * Acts for a clinician who appointed the caller as assistant, or as oneself again (null). What the
   * assistant then does runs with the clinician's permissions and is recorded as on their behalf.
   */
  async actAs(caller: Caller, principalId: string | null): Promise<void> {
    if (principalId !== null) {
      const me = await this.#d.repo.findMe(caller.userId);
      if (!me?.assisting.some((a) => a.principal.id === principalId)) throw new DomainError('not_found');
    }
    await this.#d.repo.setActingFor(caller.sessionId, principalId);
  }

  /**
   * Unlocks the workstation after inactivity with the user's password. Wrong passwords count
   * towards the account lock like failed sign-ins; a lock ends every session of the user.
   */
  async unlock(caller: Caller, password: string): Promise<void> {
    const { repo, clock, hasher, throttle } = this.#d;
    const key = `unlock:${caller.userId}`;
    const wait = throttle.retryAfterSeconds(key);
    if (wait > 0) throw new DomainError('too_many_attempts', { retryAfterSeconds: wait });
    throttle.fail(key);
    const user = await repo.findPasswordHash(caller.userId);
    if (!user || !(await hasher.verify(user.passwordHash, password))) {
      const failures = await repo.countFailure(caller.userId);
      if (failures >= lockAfterFailures) {
        const lockedUntil = new Date(clock.now().getTime() + lockMinutes * 60_000);
        await repo.lockAccount(caller.userId, lockedUntil);
        await this.revokeAllSessions(caller.userId);
        throw new DomainError('account_locked', { until: lockedUntil.toISOString() });
      }
      throw new DomainError('invalid_credentials');
    }
    throttle.clear(key);
    await repo.resetFailures(caller.userId);
  }

  async signOut(caller: Caller): Promise<void> {
    await this.#end(caller.sessionId, 'signed_out');
  }

  /** Ends every session of a user, e.g. when an administrator revokes access. */
  async revokeAllSessions(userId: string): Promise<void> {
    const ended = await this.#d.repo.revokeUserSessions(userId, 'revoked', this.#d.clock.now());
    for (const sessionId of ended) this.sessionEvents.emit('ended', sessionId, 'revoked');
  }

  /** Why the caller's session was ended, or undefined while it is open. */
  async endReason(caller: Caller): Promise<SessionEndReason | undefined> {
    const session = await this.#d.repo.findSession(caller.sessionId);
    return session?.revokedAt ? ((session.revokedReason ?? 'revoked') as SessionEndReason) : undefined;
  }

  async me(caller: Caller, actor: Actor): Promise<MeView> {
    const user = await this.#d.repo.findMe(caller.userId);
    if (!user) throw new DomainError('not_found');
    const canActFor = user.assisting.map((a) => a.principal);
    return {
      id: user.id,
      username: user.username,
      firstName: user.firstName,
      lastName: user.lastName,
      email: user.email,
      phone: user.phone,
      profession: user.profession,
      expertise: user.expertise ?? '',
      countryCode: user.countryCode,
      hcp: user.hcp,
      memberships: user.memberships.map((m) => ({ ernId: m.ern.id, ernFullName: m.ern.fullName, role: m.role as ErnRole })),
      globalRoles: user.globalRoles.map((g) => ({ role: g.role as GlobalRole, hcpId: g.hcpId === '' ? null : g.hcpId })),
      thematicAreas: user.thematicAreas,
      guestUntil: user.guestUntil?.toISOString() ?? null,
      consentRequired: user.consentVersion !== privacyStatement.version,
      canActFor,
      actingFor: actor.actingFor ? (canActFor.find((p) => p.id === actor.actingFor?.userId) ?? null) : null,
      abilities: abilities(actor),
      externalSignIn: user._count.externalIdentities > 0,
    };
  }

  #assertUsable(session: SessionRow, now: Date): void {
    if (session.revokedAt) throw new DomainError('session_revoked');
    const idleUntil = session.lastSeenAt.getTime() + this.#d.sessions.idleSeconds * 1000;
    if (session.expiresAt <= now || idleUntil <= now.getTime()) throw new DomainError('session_expired');
    if (session.user.status !== 'active') throw new DomainError('account_deactivated');
    if (session.user.guestUntil && session.user.guestUntil <= now) throw new DomainError('guest_access_expired');
  }

  async #end(sessionId: string, reason: SessionEndReason): Promise<void> {
    if (await this.#d.repo.revokeSession(sessionId, reason, this.#d.clock.now())) {
      this.sessionEvents.emit('ended', sessionId, reason);
    }
  }

  /**
   * Opens a session with its first refresh token and issues the token pair. With a one-time code's
   * `totpStep`, returns null (opening nothing) when that step was used meanwhile or the account locked.
   */
  async #openSession(userId: string, now: Date, totpStep?: number): Promise<TokenPair | null> {
    const refreshToken = newRefreshToken();
    const session = await this.#d.repo.openSession({
      userId,
      totpStep,
      now,
      expiresAt: new Date(now.getTime() + this.#d.sessions.maxSeconds * 1000),
      tokenHash: hashRefreshToken(refreshToken),
    });
    return session ? this.#tokenPair({ userId, sessionId: session.id }, refreshToken, now) : null;
  }

  async #tokenPair(caller: Caller, refreshToken: string, now: Date): Promise<TokenPair> {
    const access = await this.#d.tokens.sign(caller, now);
    return { accessToken: access.token, accessTokenExpiresAt: access.expiresAt.toISOString(), refreshToken };
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= this.#d.hasher.hash('consilium-no-such-user');
    return this.#dummyHash;
  }
}
