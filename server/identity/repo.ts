// Prisma access for identity: users, memberships, sessions and refresh tokens.
import type { Prisma, PrismaClient } from '../db/generated/client.ts';
import { type ChangeCounter, neverUnchanged, ReadCache } from '../db/read-cache.ts';

export const signInUserSelect = {
  id: true,
  passwordHash: true,
  totpSecret: true,
  totpLastStep: true,
  status: true,
  lockedUntil: true,
  guestUntil: true,
} satisfies Prisma.UserSelect;

export const meSelect = {
  id: true,
  username: true,
  firstName: true,
  lastName: true,
  email: true,
  profession: true,
  countryCode: true,
  phone: true,
  expertise: true,
  guestUntil: true,
  consentVersion: true,
  hcp: { select: { id: true, code: true, name: true, countryCode: true, guestAccess: true } },
  globalRoles: { select: { role: true, hcpId: true } },
  thematicAreas: { select: { ernId: true, name: true }, orderBy: [{ ernId: 'asc' }, { name: 'asc' }] },
  _count: { select: { externalIdentities: true } },
  assisting: {
    where: { revokedAt: null, principal: { status: 'active' } },
    select: { principal: { select: { id: true, firstName: true, lastName: true } } },
  },
  memberships: {
    select: { role: true, ern: { select: { id: true, fullName: true } } },
    orderBy: [{ ernId: 'asc' }, { role: 'asc' }],
  },
} satisfies Prisma.UserSelect;

const sessionSelect = {
  id: true,
  userId: true,
  expiresAt: true,
  lastSeenAt: true,
  revokedAt: true,
  revokedReason: true,
  actingForId: true,
  user: { select: { status: true, guestUntil: true } },
} satisfies Prisma.SessionSelect;

export type SessionRow = Prisma.SessionGetPayload<{ select: typeof sessionSelect }>;

export class IdentityRepo {
  readonly #db: PrismaClient;
  /** Every authenticated request reads its session: kept while the database is unchanged. */
  readonly #sessions: ReadCache<SessionRow | null>;

  constructor(db: PrismaClient, reads: ChangeCounter = neverUnchanged) {
    this.#db = db;
    this.#sessions = new ReadCache(reads);
  }

  findUserForSignIn(username: string) {
    return this.#db.user.findUnique({ where: { username }, select: signInUserSelect });
  }

  /**
   * Counts a failed sign-in in one atomic increment (so that concurrent failures all count) and
   * returns the user's consecutive failures, this one included.
   */
  async countFailure(userId: string): Promise<number> {
    const user = await this.#db.user.update({
      where: { id: userId },
      data: { failedSignIns: { increment: 1 } },
      select: { failedSignIns: true },
    });
    return user.failedSignIns;
  }

  findPasswordHash(userId: string) {
    return this.#db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  }

  resetFailures(userId: string) {
    return this.#db.user.updateMany({ where: { id: userId, failedSignIns: { gt: 0 } }, data: { failedSignIns: 0 } });
  }

  lockAccount(userId: string, lockedUntil: Date) {
    return this.#db.user.update({ where: { id: userId }, data: { failedSignIns: 0, lockedUntil } });
  }

  findMe(userId: string) {
    return this.#db.user.findUnique({ where: { id: userId }, select: meSelect });
  }

  async findUserStatus(userId: string): Promise<string | undefined> {
    const user = await this.#db.user.findUnique({ where: { id: userId }, select: { status: true } });
    return user?.status;
  }

  /**
   * Records a successful sign-in and opens its session with a first refresh token, atomically.
   * With a one-time code's `totpStep`, returns null, changing nothing, when a concurrent sign-in has
   * meanwhile used this code's step or locked the account: the checks the caller made on the user
   * it read no longer hold. Without one (a sign-in verified elsewhere), only the activity is recorded.
   */
  openSession(input: { userId: string; totpStep: number | undefined; now: Date; expiresAt: Date; tokenHash: string }) {
    const { userId, totpStep, now, expiresAt, tokenHash } = input;
    return this.#db.$transaction(async (tx) => {
      if (totpStep !== undefined) {
        const updated = await tx.user.updateMany({
          where: { id: userId, totpLastStep: { lt: totpStep }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
          data: { failedSignIns: 0, lockedUntil: null, totpLastStep: totpStep, lastActiveAt: now },
        });
        if (updated.count !== 1) return null;
      } else {
        await tx.user.update({ where: { id: userId }, data: { lastActiveAt: now }, select: { id: true } });
      }
      return tx.session.create({
        data: {
          userId,
          createdAt: now,
          lastSeenAt: now,
          expiresAt,
          refreshTokens: { create: { tokenHash, createdAt: now } },
        },
        select: { id: true },
      });
    });
  }

  findSession(sessionId: string): Promise<SessionRow | null> {
    return this.#sessions.get(sessionId, () => this.#db.session.findUnique({ where: { id: sessionId }, select: sessionSelect }));
  }

  findRefreshToken(tokenHash: string) {
    return this.#db.refreshToken.findUnique({
      where: { tokenHash },
      select: { id: true, usedAt: true, session: { select: sessionSelect } },
    });
  }

  /**
   * Marks a refresh token used and issues its successor in one transaction. Returns false when the
   * token had already been used (a concurrent or replayed refresh), changing nothing.
   */
  rotateRefreshToken(input: { tokenId: string; sessionId: string; userId: string; newHash: string; now: Date }) {
    const { tokenId, sessionId, userId, newHash, now } = input;
    return this.#db.$transaction(async (tx) => {
      const marked = await tx.refreshToken.updateMany({ where: { id: tokenId, usedAt: null }, data: { usedAt: now } });
      if (marked.count !== 1) return false;
      await tx.refreshToken.create({ data: { sessionId, tokenHash: newHash, createdAt: now } });
      await tx.session.update({ where: { id: sessionId }, data: { lastSeenAt: now } });
      // Activity, for the 5-year inactivity review.
      await tx.user.update({ where: { id: userId }, data: { lastActiveAt: now }, select: { id: true } });
      return true;
    });
  }

  setActingFor(sessionId: string, principalId: string | null) {
    return this.#db.session.update({ where: { id: sessionId }, data: { actingForId: principalId }, select: { id: true } });
  }

  findUserName(userId: string) {
    return this.#db.user.findUnique({ where: { id: userId }, select: { id: true, firstName: true, lastName: true } });
  }

  touchSession(sessionId: string, now: Date) {
    return this.#db.session.update({ where: { id: sessionId }, data: { lastSeenAt: now } });
  }

  /** Revokes a session unless it already was; returns whether this call revoked it. */
  async revokeSession(sessionId: string, reason: string, now: Date): Promise<boolean> {
    const result = await this.#db.session.updateMany({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: now, revokedReason: reason },
    });
    return result.count === 1;
  }

  /** Revokes every open session of a user; returns the ids it revoked. */
  revokeUserSessions(userId: string, reason: string, now: Date): Promise<string[]> {
    return this.#db.$transaction(async (tx) => {
      const open = await tx.session.findMany({ where: { userId, revokedAt: null }, select: { id: true } });
      await tx.session.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now, revokedReason: reason } });
      return open.map((session) => session.id);
    });
  }
}
