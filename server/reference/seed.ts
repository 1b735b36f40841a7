// Loads the reference data every installation starts with: the ERNs, a few HCPs, and one
// "0000 Guest Access" pseudo-HCP per country, linked to every ERN.
import { countries, guestAccessHcpCode } from '../../app/reference/countries.ts';
import { erns } from '../../app/reference/erns.ts';
import { hcps } from '../../app/reference/hcps.ts';
import type { PrismaClient } from '../db/generated/client.ts';

export async function seedReferenceData(db: PrismaClient): Promise<void> {
  if ((await db.ern.count()) > 0) return;
  await db.$transaction(async (tx) => {
    await tx.ern.createMany({ data: erns.map((ern) => ({ id: ern.id, fullName: ern.fullName })) });
    for (const hcp of hcps) {
      await tx.hcp.create({
        data: {
          code: hcp.code,
          name: hcp.name,
          city: hcp.city,
          countryCode: hcp.countryCode,
          erns: { create: hcp.memberOf.map((ernId) => ({ ernId, kind: 'member' })) },
        },
      });
    }
    for (const country of countries) {
      await tx.hcp.create({
        data: {
          code: guestAccessHcpCode,
          name: 'Guest Access',
          city: '',
          countryCode: country.code,
          guestAccess: true,
          erns: { create: erns.map((ern) => ({ ernId: ern.id, kind: 'guest' })) },
        },
      });
    }
  });
}
