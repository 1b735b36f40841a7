// The service directory (SPEC ID-7): find ERN members by name, HCP, country, ERN, specialty and
// thematic area. Shows professional facts only, and only of active accounts with an ERN role.
import type { DirectorySearchInput } from '../../app/directory/schemas.ts';
import type { z } from 'zod';
import type { directorySearchInput } from '../../app/directory/schemas.ts';
import type { Prisma, PrismaClient } from '../db/generated/client.ts';

type Search = z.output<typeof directorySearchInput>;
export type { DirectorySearchInput };

const entrySelect = {
  id: true,
  firstName: true,
  lastName: true,
  profession: true,
  expertise: true,
  countryCode: true,
  hcp: { select: { id: true, code: true, name: true, countryCode: true, guestAccess: true } },
  memberships: { select: { ernId: true, role: true }, orderBy: [{ ernId: 'asc' }, { role: 'asc' }] },
  thematicAreas: { select: { ernId: true, name: true }, orderBy: [{ ernId: 'asc' }, { name: 'asc' }] },
} satisfies Prisma.UserSelect;

const words = (text: string | undefined) => (text ?? '').split(/\s+/).filter(Boolean).slice(0, 5);

export class DirectoryService {
  readonly #db: PrismaClient;

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  async search(input: Search) {
    const where: Prisma.UserWhereInput = {
      status: 'active',
      memberships: { some: { role: { not: 'Assistant' }, ...(input.ernId ? { ernId: input.ernId } : {}) } },
      ...(input.hcpId ? { hcpId: input.hcpId } : {}),
      ...(input.countryCode ? { hcp: { countryCode: input.countryCode } } : {}),
      ...(input.thematicArea ? { thematicAreas: { some: { name: { contains: input.thematicArea }, ...(input.ernId ? { ernId: input.ernId } : {}) } } } : {}),
      AND: [
        ...words(input.name).map((word) => ({ OR: [{ firstName: { contains: word } }, { lastName: { contains: word } }] })),
        ...words(input.specialty).map((word) => ({ OR: [{ profession: { contains: word } }, { expertise: { contains: word } }] })),
      ],
    };
    const [total, rows] = await Promise.all([
      this.#db.user.count({ where }),
      this.#db.user.findMany({ where, select: entrySelect, orderBy: [{ lastName: 'asc' }, { firstName: 'asc' }, { id: 'asc' }], skip: input.page * input.pageSize, take: input.pageSize }),
    ]);
    return { total, entries: rows.map((row) => ({ ...row, expertise: row.expertise ?? '' })) };
  }

  /** The HCPs, for the directory's filter. */
  hcps() {
    return this.#db.hcp.findMany({ where: { guestAccess: false }, select: { id: true, code: true, name: true, countryCode: true }, orderBy: [{ countryCode: 'asc' }, { code: 'asc' }] });
  }
}
