// Prisma access for access requests and guest access.
import type { Prisma, PrismaClient } from '../db/generated/client.ts';

export const requestSelect = {
  id: true,
  userId: true,
  ernId: true,
  profile: true,
  comment: true,
  status: true,
  createdAt: true,
  decidedAt: true,
  reason: true,
  guestDays: true,
  hcp: { select: { id: true, code: true, name: true, countryCode: true, guestAccess: true } },
} satisfies Prisma.AccessRequestSelect;

/** What a reviewer sees of the person asking: who they are professionally, never more. */
export const requesterSelect = {
  id: true,
  firstName: true,
  lastName: true,
  email: true,
  profession: true,
  countryCode: true,
} satisfies Prisma.UserSelect;

export type RequestRow = Prisma.AccessRequestGetPayload<{ select: typeof requestSelect }>;

export class AccessRepo {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  get db(): PrismaClient {
    return this.#db;
  }

  erns() {
    return this.#db.ern.findMany({ select: { id: true, fullName: true }, orderBy: { id: 'asc' } });
  }

  ernExists(ernId: string) {
    return this.#db.ern.findUnique({ where: { id: ernId }, select: { id: true } });
  }

  /** The HCPs of a country linked to the ERN (members, affiliated partners, its Guest Access). */
  hcpsOf(ernId: string, countryCode: string) {
    return this.#db.hcp.findMany({
      where: { countryCode, erns: { some: { ernId } } },
      select: { id: true, code: true, name: true, city: true, guestAccess: true },
      orderBy: [{ guestAccess: 'asc' }, { code: 'asc' }],
    });
  }

  hcpInErn(hcpId: string, ernId: string) {
    return this.#db.hcp.findFirst({ where: { id: hcpId, erns: { some: { ernId } } }, select: { id: true, code: true, name: true, guestAccess: true } });
  }

  findRequest(id: string) {
    return this.#db.accessRequest.findUnique({ where: { id }, select: { ...requestSelect, user: { select: { ...requesterSelect, hcpId: true } } } });
  }

  requestsOf(userId: string) {
    return this.#db.accessRequest.findMany({ where: { userId }, select: requestSelect, orderBy: { createdAt: 'desc' } });
  }

  pendingFor(ernIds: readonly string[]) {
    return this.#db.accessRequest.findMany({
      where: { status: 'pending', ernId: { in: [...ernIds] } },
      select: { ...requestSelect, user: { select: requesterSelect } },
      orderBy: { createdAt: 'asc' },
    });
  }

  /** The users holding one of `roles` in the ERN, to notify them. */
  async usersWithRole(ernId: string, roles: readonly string[]): Promise<string[]> {
    const rows = await this.#db.membership.findMany({ where: { ernId, role: { in: [...roles] }, user: { status: 'active' } }, select: { userId: true } });
    return rows.map((row) => row.userId);
  }
}
