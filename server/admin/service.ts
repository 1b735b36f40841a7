// System administration by the EC administrator (SPEC ID-3): global roles — Support, other EC
// administrators, the GDPR officer of an HCP — and the accounts due for their 5-year review (ID-9).
import { DomainError } from '../../app/errors.ts';
import type { SaveHcpInput } from '../../app/admin/schemas.ts';
import type { GlobalRole } from '../../app/identity/roles.ts';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import type { AuditScope } from '../trpc.ts';

const yearMs = 365.25 * 86_400_000;
export const inactivityReviewYears = 5;

export class AdminService {
  readonly #db: PrismaClient;
  readonly #clock: Clock;

  constructor(db: PrismaClient, clock: Clock) {
    this.#db = db;
    this.#clock = clock;
  }

  /** Users by name or username, with their global roles. */
  users(query: string) {
    const words = query.split(/\s+/).filter(Boolean).slice(0, 4);
    return this.#db.user.findMany({
      where: { status: { not: 'deleted' }, AND: words.map((word) => ({ OR: [{ firstName: { contains: word } }, { lastName: { contains: word } }, { username: { contains: word } }] })) },
      select: {
        id: true,
        username: true,
        firstName: true,
        lastName: true,
        status: true,
        reviewDueAt: true,
        hcp: { select: { code: true, name: true } },
        globalRoles: { select: { id: true, role: true, hcpId: true } },
      },
      orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }],
      take: 50,
    });
  }

  async grantRole(grantedById: string, input: { userId: string; role: GlobalRole; hcpId?: string | undefined }, audit: AuditScope) {
    const user = await this.#db.user.findUnique({ where: { id: input.userId }, select: { status: true } });
    if (!user || user.status === 'deleted') throw new DomainError('not_found');
    if (input.hcpId) {
      const hcp = await this.#db.hcp.findUnique({ where: { id: input.hcpId }, select: { guestAccess: true } });
      if (!hcp || hcp.guestAccess) throw new DomainError('not_found');
    }
    const hcpId = input.hcpId ?? '';
    const existing = await this.#db.globalRoleGrant.findUnique({ where: { userId_role_hcpId: { userId: input.userId, role: input.role, hcpId } }, select: { id: true } });
    if (existing) throw new DomainError('already_member');
    const grant = await this.#db.globalRoleGrant.create({ data: { userId: input.userId, role: input.role, hcpId, grantedById, createdAt: this.#clock.now() }, select: { id: true } });
    audit.about('user', input.userId, { role: input.role, hcpId: input.hcpId ?? null });
    return { grantId: grant.id };
  }

  async revokeRole(actorId: string, grantId: string, audit: AuditScope): Promise<void> {
    const grant = await this.#db.globalRoleGrant.findUnique({ where: { id: grantId }, select: { userId: true, role: true } });
    if (!grant) throw new DomainError('not_found');
    // The last EC administrator cannot remove themself: nobody could grant the role again.
    if (grant.role === 'ECAdmin' && grant.userId === actorId && (await this.#db.globalRoleGrant.count({ where: { role: 'ECAdmin' } })) === 1) throw new DomainError('forbidden');
    await this.#db.globalRoleGrant.delete({ where: { id: grantId } });
    audit.about('user', grant.userId, { role: grant.role });
  }

  /** The HCPs of the reference data with the ERNs they take part in (Guest Access pseudo-HCPs aside). */
  hcps() {
    return this.#db.hcp.findMany({
      where: { guestAccess: false },
      select: { id: true, code: true, name: true, city: true, countryCode: true, erns: { select: { ernId: true, kind: true }, orderBy: { ernId: 'asc' } } },
      orderBy: [{ countryCode: 'asc' }, { code: 'asc' }],
    });
  }

  /** Creates or edits an HCP and its ERN links (SPEC ID-1: reference data editable by administrators). */
  async saveHcp(input: SaveHcpInput, audit: AuditScope): Promise<{ id: string }> {
    const erns = await this.#db.ern.findMany({ where: { id: { in: input.erns.map((e) => e.ernId) } }, select: { id: true } });
    if (erns.length !== new Set(input.erns.map((e) => e.ernId)).size) throw new DomainError('not_found');
    const clash = await this.#db.hcp.findUnique({ where: { code_countryCode: { code: input.code, countryCode: input.countryCode } }, select: { id: true } });
    if (clash && clash.id !== input.id) throw new DomainError('conflict');
    const data = { code: input.code, name: input.name, city: input.city, countryCode: input.countryCode };
    const links = input.erns.map((e) => ({ ernId: e.ernId, kind: e.kind }));
    const id = await this.#db.$transaction(async (tx) => {
      if (!input.id) return (await tx.hcp.create({ data: { ...data, erns: { create: links } }, select: { id: true } })).id;
      const existing = await tx.hcp.findUnique({ where: { id: input.id }, select: { guestAccess: true } });
      if (!existing || existing.guestAccess) throw new DomainError('not_found');
      await tx.hcpErn.deleteMany({ where: { hcpId: input.id } });
      await tx.hcp.update({ where: { id: input.id }, data: { ...data, erns: { create: links } } });
      return input.id;
    });
    audit.about('hcp', id, { code: input.code, erns: links.length });
    return { id };
  }

  /** Flags active accounts without activity for 5 years (the scheduled job); returns their ids. */
  async flagInactiveAccounts(): Promise<string[]> {
    const now = this.#clock.now();
    const before = new Date(now.getTime() - inactivityReviewYears * yearMs);
    const due = await this.#db.user.findMany({
      where: { status: 'active', reviewDueAt: null, OR: [{ lastActiveAt: { lte: before } }, { lastActiveAt: null, createdAt: { lte: before } }] },
      select: { id: true },
    });
    if (due.length > 0) await this.#db.user.updateMany({ where: { id: { in: due.map((u) => u.id) } }, data: { reviewDueAt: now } });
    return due.map((u) => u.id);
  }

  /** Accounts flagged for review, oldest activity first. */
  reviewDue() {
    return this.#db.user.findMany({
      where: { status: 'active', reviewDueAt: { not: null } },
      select: { id: true, username: true, firstName: true, lastName: true, lastActiveAt: true, createdAt: true, reviewDueAt: true },
      orderBy: [{ lastActiveAt: 'asc' }],
      take: 200,
    });
  }
}
