// Demo accounts for training mode: synthetic people at the reference HCPs. Their password is shown
// on the sign-in page in training mode only, with their current one-time codes.
import { privacyStatement } from '../../app/identity/privacy-statement.ts';
import type { ErnRole, GlobalRole } from '../../app/identity/roles.ts';
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
  /** The HCP's code in `countryCode`; "0000" is the country's Guest Access; none before any access. */
  hcpCode?: string;
  countryCode: string;
  memberships: ReadonlyArray<{ ernId: string; role: ErnRole }>;
  globalRoles?: ReadonlyArray<GlobalRole>;
  /** False: the account has not yet accepted the privacy statement (first sign-in). */
  consented?: boolean;
  /** A guest admitted for this many days from the start of the demo. */
  guestDays?: number;
  /** The username of the clinician who appointed this user as assistant. */
  assistantOf?: string;
  expertise?: string;
  thematicAreas?: ReadonlyArray<{ ernId: string; name: string }>;
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
    expertise: 'Congenital anomalies of the kidney and urinary tract; paediatric nephrotic syndrome.',
    thematicAreas: [
      { ernId: 'ERKNet', name: 'Nephrotic syndrome' },
      { ernId: 'ERKNet', name: 'CAKUT' },
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
  {
    username: 'anne.dubois',
    firstName: 'Anne',
    lastName: 'Dubois',
    profession: 'Clinical research nurse',
    hcpCode: 'FR10',
    countryCode: 'FR',
    memberships: [{ ernId: 'ERKNet', role: 'Assistant' }],
    assistantOf: 'claire.martin',
  },
  {
    username: 'elena.garcia',
    firstName: 'Elena',
    lastName: 'García',
    profession: 'ERN project manager',
    hcpCode: 'ES07',
    countryCode: 'ES',
    memberships: [{ ernId: 'ERKNet', role: 'Dispatcher' }],
  },
  {
    username: 'olena.shevchenko',
    firstName: 'Olena',
    lastName: 'Shevchenko',
    profession: 'Paediatric nephrologist',
    hcpCode: '0000',
    countryCode: 'PL',
    memberships: [{ ernId: 'ERKNet', role: 'HP' }],
    guestDays: 90,
  },
  {
    username: 'julie.bernard',
    firstName: 'Julie',
    lastName: 'Bernard',
    profession: 'Data protection officer',
    hcpCode: 'FR10',
    countryCode: 'FR',
    memberships: [],
    globalRoles: ['GDPROfficer'],
  },
  {
    username: 'tomas.horak',
    firstName: 'Tomáš',
    lastName: 'Horák',
    profession: 'Platform support',
    countryCode: 'CZ',
    memberships: [],
    globalRoles: ['Support'],
  },
  {
    username: 'eva.lindqvist',
    firstName: 'Eva',
    lastName: 'Lindqvist',
    profession: 'EC administrator',
    countryCode: 'SE',
    memberships: [],
    globalRoles: ['ECAdmin'],
  },
  {
    username: 'sofia.moreau',
    firstName: 'Sofia',
    lastName: 'Moreau',
    profession: 'Paediatric nephrologist',
    countryCode: 'FR',
    memberships: [],
    consented: false,
  },
];

export async function seedDemoAccounts(db: PrismaClient, hasher: PasswordHasher, clock: Clock): Promise<void> {
  const passwordHash = await hasher.hash(demoPassword);
  const now = clock.now();
  const ids = new Map<string, string>();
  for (const account of demoAccounts) {
    const hcp = account.hcpCode
      ? await db.hcp.findUniqueOrThrow({ where: { code_countryCode: { code: account.hcpCode, countryCode: account.countryCode } }, select: { id: true } })
      : null;
    const user = await db.user.create({
      data: {
        username: account.username,
        firstName: account.firstName,
        lastName: account.lastName,
        email: `${account.username}@training.consilium.invalid`,
        countryCode: account.countryCode,
        profession: account.profession,
        expertise: account.expertise ?? null,
        hcpId: hcp?.id ?? null,
        passwordHash,
        totpSecret: newTotpSecret(),
        createdAt: now,
        lastActiveAt: now,
        ...(account.consented === false ? {} : { consentVersion: privacyStatement.version, consentAcceptedAt: now }),
        ...(account.guestDays ? { guestUntil: new Date(now.getTime() + account.guestDays * 86_400_000) } : {}),
        memberships: { create: account.memberships.map((m) => ({ ...m, createdAt: now })) },
        thematicAreas: { create: [...(account.thematicAreas ?? [])] },
        globalRoles: { create: (account.globalRoles ?? []).map((role) => ({ role, hcpId: role === 'GDPROfficer' ? (hcp?.id ?? '') : '', createdAt: now })) },
      },
      select: { id: true },
    });
    ids.set(account.username, user.id);
  }
  for (const account of demoAccounts) {
    if (!account.assistantOf) continue;
    await db.assistantAppointment.create({ data: { principalId: ids.get(account.assistantOf)!, assistantId: ids.get(account.username)!, createdAt: now } });
  }
}
