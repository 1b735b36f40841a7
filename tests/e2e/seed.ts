// Patients for end-to-end tests, made through the server's own service as a demo clinician would
// (the enrolment screen is another feature's): identity, record and a signed consent form.
import type { RunningServer } from '../../server/server.ts';
import { AuditScope } from '../../server/trpc.ts';
import { enrolInput } from '../../app/patients/schemas.ts';
import { enrolmentOf, pdfWith, sampleIdentity, storeFile } from '../fixtures/patients.ts';

export { sampleIdentity };

/** Enrols a patient as the demo user `username` (an HP of FR10 for claire.martin), with a consent form. */
export async function enrolAs(server: RunningServer, username: string) {
  const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username }, select: { id: true } });
  const actor = await server.services.actors.load({ userId: user.id, sessionId: 'e2e-seed' });
  const patient = await server.services.patients.enrol(actor, actor, enrolInput.parse(enrolmentOf()), new AuditScope());
  await storeFile(server, patient.id, user.id, { name: `consent ${sampleIdentity.lastName}.pdf`, contentType: 'application/pdf', bytes: pdfWith(`${sampleIdentity.firstName} ${sampleIdentity.lastName}`), purpose: 'consent_form' });
  return patient;
}

/** The principal of a demo user, for reading through the services as they would. */
export async function principalOf(server: RunningServer, username: string) {
  const user = await server.db.prisma.user.findUniqueOrThrow({ where: { username }, select: { id: true } });
  return server.services.actors.load({ userId: user.id, sessionId: 'e2e-check' });
}
