// Demo accounts for training mode: synthetic people at the reference HCPs. Their password is shown
// on the sign-in page in training mode only, with their current one-time codes.
import type { ErnRole } from '../../app/identity/roles.ts';
import type { Clock } from '../clock.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import type { PasswordHasher } from '../identity/passwords.ts';
import { newTotpSecret } from '../identity/totp.ts';

export const demoPassword = 'consilium-training';

interface DemoAccount {
  username: string;
  firstName: string;
  lastName: string;
  profession: string;
  hcpCode: string;
  countryCode: string;
  memberships: ReadonlyArray<{ ernId: string; role: ErnRole }>;
}

export const demoAccounts: readonly DemoAccount[] = [
  {
    username: 'claire.martin',
    firstName: 'Claire',
    lastName: 'Martin',
    profession: 'Paediatric nephrologist',
    hcpCode: 'FR10',
    countryCode: 'FR',
    memberships: [
      { ernId: 'ERKNet', role: 'HP' },
      { ernId: 'ITHACA', role: 'HP' },
    ],
  },
  {
    username: 'marco.rossi',
    firstName: 'Marco',
    lastName: 'Rossi',
    profession: 'Paediatric nephrologist',
    hcpCode: 'IT03',
    countryCode: 'IT',
    memberships: [
      { ernId: 'ERKNet', role: 'Coordinator' },
      { ernId: 'PaedCan', role: 'HP' },
    ],
  },
  {
    username: 'jana.novak',
    firstName: 'Jana',
    lastName: 'Novák',
    profession: 'Clinical geneticist',
    hcpCode: 'CZ02',
    countryCode: 'CZ',
    memberships: [
      { ernId: 'ERKNet', role: 'HP' },
      { ernId: 'EpiCARE', role: 'HP' },
    ],
  },
  {
    username: 'lena.berg',
    firstName: 'Lena',
    lastName: 'Berg',
    profession: 'ERN helpdesk officer',
    hcpCode: 'SE01',
    countryCode: 'SE',
    memberships: [{ ernId: 'EURACAN', role: 'Helpdesk' }],
  },
  {
    username: 'pieter.devries',
    firstName: 'Pieter',
    lastName: 'de Vries',
    profession: 'Epidemiologist',
    hcpCode: 'NL02',
    countryCode: 'NL',
    memberships: [{ ernId: 'ITHACA', role: 'Researcher' }],
  },
];

export async function seedDemoAccounts(db: PrismaClient, hasher: PasswordHasher, clock: Clock): Promise<void> {
  const passwordHash = await hasher.hash(demoPassword);
  const now = clock.now();
  for (const account of demoAccounts) {
    const hcp = await db.hcp.findUniqueOrThrow({
      where: { code_countryCode: { code: account.hcpCode, countryCode: account.countryCode } },
      select: { id: true },
    });
    await db.user.create({
      data: {
        username: account.username,
        firstName: account.firstName,
        lastName: account.lastName,
        email: `${account.username}@training.consilium.invalid`,
        countryCode: account.countryCode,
        profession: account.profession,
        hcpId: hcp.id,
        passwordHash,
        totpSecret: newTotpSecret(),
        createdAt: now,
        memberships: { create: account.memberships.map((m) => ({ ...m, createdAt: now })) },
      },
    });
  }
}
