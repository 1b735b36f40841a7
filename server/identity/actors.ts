// Loads the facts the permission policy decides from: the user's roles per ERN, global roles,
// affiliation and consent, and the clinician an assistant acts for (when the appointment still holds).
import type { Actor, Principal } from '../../app/access/actor.ts';
import type { ErnRole, GlobalRole } from '../../app/identity/roles.ts';
import { privacyStatement } from '../../app/identity/privacy-statement.ts';
import { DomainError } from '../../app/errors.ts';
import type { Prisma, PrismaClient } from '../db/generated/client.ts';
import { type ChangeCounter, neverUnchanged, ReadCache } from '../db/read-cache.ts';
import type { Caller } from './service.ts';

const principalSelect = {
  id: true,
  hcpId: true,
  status: true,
  consentVersion: true,
  hcp: { select: { guestAccess: true } },
  memberships: { select: { ernId: true, role: true } },
  globalRoles: { select: { role: true, hcpId: true } },
} satisfies Prisma.UserSelect;

type PrincipalRow = Prisma.UserGetPayload<{ select: typeof principalSelect }>;

function principalOf(row: PrincipalRow): Principal {
  return {
    userId: row.id,
    hcpId: row.hcpId,
    guest: row.hcp?.guestAccess ?? false,
    memberships: row.memberships.map((m) => ({ ernId: m.ernId, role: m.role as ErnRole })),
    globalRoles: row.globalRoles.map((g) => ({ role: g.role as GlobalRole, hcpId: g.hcpId === '' ? null : g.hcpId })),
  };
}

export class ActorLoader {
  readonly #db: PrismaClient;
  /** Every permission check loads the actor: kept while the database is unchanged. */
  readonly #actors: ReadCache<Actor>;

  constructor(db: PrismaClient, reads: ChangeCounter = neverUnchanged) {
    this.#db = db;
    this.#actors = new ReadCache(reads);
  }

  load(caller: Caller): Promise<Actor> {
    return this.#actors.get(`${caller.userId} ${caller.actingForId ?? ''}`, () => this.#read(caller));
  }

  async #read(caller: Caller): Promise<Actor> {
    const row = await this.#db.user.findUnique({ where: { id: caller.userId }, select: principalSelect });
    if (!row || row.status !== 'active') throw new DomainError('account_deactivated');
    const actingFor = caller.actingForId ? await this.#principalActedFor(caller.userId, caller.actingForId) : undefined;
    return { ...principalOf(row), consentCurrent: row.consentVersion === privacyStatement.version, ...(actingFor ? { actingFor } : {}) };
  }

  /** The clinician, if the appointment is still in force and their account active. */
  async #principalActedFor(assistantId: string, principalId: string): Promise<Principal | undefined> {
    const appointment = await this.#db.assistantAppointment.findFirst({
      where: { assistantId, principalId, revokedAt: null, principal: { status: 'active' } },
      select: { principal: { select: principalSelect } },
    });
    return appointment ? principalOf(appointment.principal) : undefined;
  }
}
