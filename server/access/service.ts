// Access requests (SPEC ID-6) and guest access (ID-5): a user asks to join an ERN with an access
// profile; the ERN's coordinator or dispatcher approves or rejects it, and the user gets the role at once.
import type { Actor } from '../../app/access/actor.ts';
import { ernsWithRole } from '../../app/access/actor.ts';
import type { AccessRequestInput, DecideInput, RequestStatus } from '../../app/access/schemas.ts';
import { DomainError } from '../../app/errors.ts';
import { managesGuestsOf, mayReviewRequest, reviewsErn } from '../../app/identity/policy.ts';
import { type AccessProfile, defaultGuestDays } from '../../app/identity/roles.ts';
import type { Clock } from '../clock.ts';
import type { NotificationService } from '../notifications/service.ts';
import type { AuditScope } from '../trpc.ts';
import { type AccessRepo, type RequestRow } from './repo.ts';

const dayMs = 86_400_000;

export interface AccessDeps {
  readonly repo: AccessRepo;
  readonly clock: Clock;
  readonly notifications: NotificationService;
  /** Ends a user's sessions (a guest whose access ended). */
  readonly endSessions: (userId: string) => Promise<void>;
}

export interface RequestView {
  id: string;
  ernId: string;
  hcp: { id: string; code: string; name: string; countryCode: string; guestAccess: boolean };
  profile: AccessProfile;
  comment: string;
  status: RequestStatus;
  createdAt: string;
  decidedAt: string | null;
  reason: string | null;
  guestDays: number | null;
}

function view(row: RequestRow): RequestView {
  return {
    id: row.id,
    ernId: row.ernId,
    hcp: row.hcp,
    profile: row.profile as AccessProfile,
    comment: row.comment,
    status: row.status as RequestStatus,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
    reason: row.reason,
    guestDays: row.guestDays,
  };
}

export class AccessService {
  readonly #d: AccessDeps;

  constructor(deps: AccessDeps) {
    this.#d = deps;
  }

  erns() {
    return this.#d.repo.erns();
  }

  async hcps(ernId: string, countryCode: string) {
    if (!(await this.#d.repo.ernExists(ernId))) throw new DomainError('not_found');
    return this.#d.repo.hcpsOf(ernId, countryCode);
  }

  async request(actor: Actor, input: AccessRequestInput, audit: AuditScope): Promise<RequestView> {
    const { repo, clock } = this.#d;
    const db = repo.db;
    if (!(await repo.ernExists(input.ernId))) throw new DomainError('not_found');
    const hcp = await repo.hcpInErn(input.hcpId, input.ernId);
    if (!hcp) throw new DomainError('not_found');
    if (actor.memberships.some((m) => m.ernId === input.ernId && m.role === input.profile)) throw new DomainError('already_member');
    if (actor.hcpId && actor.hcpId !== hcp.id) {
      const own = await db.hcp.findUniqueOrThrow({ where: { id: actor.hcpId }, select: { code: true, name: true } });
      throw new DomainError('affiliation_mismatch', { hcp: `${own.code} ${own.name}` });
    }
    const created = await db.$transaction(async (tx) => {
      // Checked inside the transaction, so two submissions at once cannot both pass.
      const pending = await tx.accessRequest.count({ where: { userId: actor.userId, ernId: input.ernId, status: 'pending' } });
      if (pending > 0) throw new DomainError('request_pending');
      return tx.accessRequest.create({
        data: { userId: actor.userId, ernId: input.ernId, hcpId: hcp.id, profile: input.profile, comment: input.comment, status: 'pending', createdAt: clock.now() },
        select: { id: true },
      });
    });
    audit.about('accessRequest', created.id, { ernId: input.ernId, hcpId: hcp.id, profile: input.profile });
    await this.#d.notifications.notify(await repo.usersWithRole(input.ernId, ['Coordinator', 'Dispatcher']), 'access_requested', { requestId: created.id, ernId: input.ernId });
    const row = await repo.findRequest(created.id);
    return view(row!);
  }

  async mine(actor: Actor): Promise<RequestView[]> {
    return (await this.#d.repo.requestsOf(actor.userId)).map(view);
  }

  async cancel(actor: Actor, requestId: string, audit: AuditScope): Promise<void> {
    const db = this.#d.repo.db;
    const request = await db.accessRequest.findUnique({ where: { id: requestId }, select: { userId: true, status: true } });
    if (!request || request.userId !== actor.userId) throw new DomainError('not_found');
    const updated = await db.accessRequest.updateMany({ where: { id: requestId, status: 'pending' }, data: { status: 'cancelled', decidedAt: this.#d.clock.now() } });
    if (updated.count !== 1) throw new DomainError('already_decided');
    audit.about('accessRequest', requestId);
  }

  /** Pending requests of the ERNs the actor reviews (one ERN if given). */
  async pending(actor: Actor, ernId: string | undefined) {
    const erns = ernsWithRole(actor, ['Coordinator', 'Dispatcher']).filter((id) => !ernId || id === ernId);
    if (ernId && !reviewsErn(actor, ernId)) throw new DomainError('not_found');
    const rows = await this.#d.repo.pendingFor(erns);
    return rows.map((row) => ({ ...view(row), requester: row.user }));
  }

  async decide(actor: Actor, input: DecideInput, audit: AuditScope): Promise<RequestView> {
    const { repo, clock } = this.#d;
    const request = await repo.findRequest(input.requestId);
    if (!request) throw new DomainError('not_found');
    if (request.userId === actor.userId) throw new DomainError('own_request');
    if (!mayReviewRequest(actor, request)) throw new DomainError('not_found');
    const now = clock.now();
    const approve = input.decision === 'approve';
    const guestDays = approve && request.hcp.guestAccess ? (input.guestDays ?? defaultGuestDays) : null;
    await repo.db.$transaction(async (tx) => {
      // Conditional on still pending: of two reviewers deciding at once, one wins, the other is told.
      const decided = await tx.accessRequest.updateMany({
        where: { id: request.id, status: 'pending' },
        data: { status: approve ? 'approved' : 'rejected', decidedById: actor.userId, decidedAt: now, reason: input.reason || null, guestDays },
      });
      if (decided.count !== 1) throw new DomainError('already_decided');
      if (!approve) return;
      const user = await tx.user.findUniqueOrThrow({ where: { id: request.userId }, select: { hcpId: true, status: true } });
      if (user.status !== 'active') throw new DomainError('account_deactivated');
      if (user.hcpId && user.hcpId !== request.hcp.id) throw new DomainError('affiliation_mismatch', { hcp: request.hcp.code });
      await tx.membership.upsert({
        where: { userId_ernId_role: { userId: request.userId, ernId: request.ernId, role: request.profile } },
        create: { userId: request.userId, ernId: request.ernId, role: request.profile, createdAt: now },
        update: {},
      });
      await tx.user.update({
        where: { id: request.userId },
        data: { hcpId: request.hcp.id, ...(guestDays ? { guestUntil: new Date(now.getTime() + guestDays * dayMs) } : {}) },
      });
    });
    audit.about('accessRequest', request.id, { decision: input.decision, ernId: request.ernId, userId: request.userId, guestDays });
    await this.#d.notifications.notify([request.userId], approve ? 'access_approved' : 'access_rejected', { requestId: request.id, ernId: request.ernId, profile: request.profile });
    return view((await repo.findRequest(request.id))!);
  }

  /** Guests holding a role in the ERNs the actor coordinates. */
  async guests(actor: Actor, ernId: string | undefined) {
    const erns = ernsWithRole(actor, ['Coordinator']).filter((id) => !ernId || id === ernId);
    if (ernId && !managesGuestsOf(actor, ernId)) throw new DomainError('not_found');
    const rows = await this.#d.repo.db.user.findMany({
      where: { hcp: { guestAccess: true }, status: { not: 'deleted' }, memberships: { some: { ernId: { in: erns } } } },
      select: { id: true, firstName: true, lastName: true, profession: true, countryCode: true, status: true, guestUntil: true, memberships: { where: { ernId: { in: erns } }, select: { ernId: true, role: true } } },
      orderBy: [{ guestUntil: 'asc' }],
    });
    return rows.map((row) => ({ ...row, guestUntil: row.guestUntil?.toISOString() ?? null }));
  }

  /** Sets a guest's access to end `days` from now; a guest whose access had ended gets it back. */
  async extendGuest(actor: Actor, userId: string, days: number, audit: AuditScope): Promise<{ guestUntil: string }> {
    const db = this.#d.repo.db;
    const guest = await db.user.findUnique({ where: { id: userId }, select: { status: true, deactivatedReason: true, hcp: { select: { guestAccess: true } }, memberships: { select: { ernId: true } } } });
    const coordinated = guest?.hcp?.guestAccess && guest.status !== 'deleted' && guest.memberships.some((m) => managesGuestsOf(actor, m.ernId));
    if (!guest || !coordinated) throw new DomainError('not_found');
    if (guest.status === 'deactivated' && guest.deactivatedReason !== 'guest_expired') throw new DomainError('account_deactivated');
    const guestUntil = new Date(this.#d.clock.now().getTime() + days * dayMs);
    await db.user.update({ where: { id: userId }, data: { guestUntil, status: 'active', deactivatedReason: null, deactivatedAt: null } });
    audit.about('user', userId, { guestDays: days });
    await this.#d.notifications.notify([userId], 'guest_extended', { until: guestUntil.toISOString() });
    return { guestUntil: guestUntil.toISOString() };
  }

  /** Deactivates guests whose access has ended (the scheduled job); their data stays. Returns their ids. */
  async expireGuests(): Promise<string[]> {
    const db = this.#d.repo.db;
    const now = this.#d.clock.now();
    const expired = await db.user.findMany({ where: { status: 'active', guestUntil: { lte: now } }, select: { id: true } });
    const ids: string[] = [];
    for (const { id } of expired) {
      const updated = await db.user.updateMany({ where: { id, status: 'active', guestUntil: { lte: now } }, data: { status: 'deactivated', deactivatedReason: 'guest_expired', deactivatedAt: now } });
      if (updated.count === 1) {
        ids.push(id);
        await this.#d.endSessions(id);
      }
    }
    return ids;
  }
}
