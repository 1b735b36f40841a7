// Demo patients for training mode: synthetic people enrolled by the demo clinicians, so that every
// screen has something to show. Enrolled through the patients service, like any patient.
import type { EnrolData } from '../../app/patients/schemas.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import type { Services } from '../services.ts';
import { AuditScope } from '../trpc.ts';

interface DemoPatient {
  readonly enrolledBy: string;
  readonly participants: readonly string[];
  readonly enrol: EnrolData;
}

const euConsents = { care: true as const, education: true, registry: false };

export const demoPatients: readonly DemoPatient[] = [
  {
    enrolledBy: 'claire.martin',
    participants: ['jana.novak'],
    enrol: {
      ernId: 'ERKNet',
      identity: { firstName: 'Lucie', lastName: 'Fontaine', dateOfBirth: '2016-04-12', placeOfBirth: 'Lyon', nationality: 'FR', localId: 'RDB-0042117' },
      sex: 'female',
      birthArea: 'FR',
      residenceArea: 'FR',
      consentForm: 'EU',
      consents: euConsents,
      nickname: 'Coral Meadow 214',
    },
  },
  {
    enrolledBy: 'claire.martin',
    participants: [],
    enrol: {
      ernId: 'ITHACA',
      identity: { firstName: 'Hugo', lastName: 'Lambert', dateOfBirth: '2019-11-02', placeOfBirth: 'Paris', nationality: 'FR', localId: 'RDB-0057302' },
      sex: 'male',
      birthArea: 'FR',
      residenceArea: 'BE',
      consentForm: 'EU',
      consents: { care: true, education: false, registry: true },
      nickname: 'Quiet Harbour 7',
    },
  },
  {
    enrolledBy: 'marco.rossi',
    participants: ['claire.martin'],
    enrol: {
      ernId: 'PaedCan',
      identity: { firstName: 'Giulia', lastName: 'Marchetti', dateOfBirth: '2012-06-30', placeOfBirth: 'Rome', nationality: 'IT', localId: 'OPBG-88123' },
      sex: 'female',
      birthArea: 'IT',
      residenceArea: 'IT',
      consentForm: 'EU',
      consents: euConsents,
      nickname: 'Silver Lantern 58',
    },
  },
];

export async function seedDemoPatients(db: PrismaClient, services: Services): Promise<void> {
  const idOf = async (username: string) => (await db.user.findUniqueOrThrow({ where: { username }, select: { id: true } })).id;
  for (const demo of demoPatients) {
    const lead = await services.actors.load({ userId: await idOf(demo.enrolledBy), sessionId: '' });
    const { id } = await services.patients.enrol(lead, lead, demo.enrol, new AuditScope());
    for (const username of demo.participants) await services.patients.addParticipant(lead, lead, id, await idOf(username), new AuditScope());
  }
}
