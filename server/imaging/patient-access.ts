// Who may store and read which images, decided by the patients' need to know: an instance belongs
// to the patient whose pseudonymous id is its PatientID; storing needs `patients.write` and the right
// to add files to that patient, reading needs `patients.read` and the right to see the record.
import { decide, type Permission, principalFor } from '../../app/access/policy.ts';
import { mayAddFiles, maySeeRecord, type PatientFacts } from '../../app/patients/policy.ts';
import type { PrismaClient } from '../db/generated/client.ts';
import { type ChangeCounter, neverUnchanged, ReadCache } from '../db/read-cache.ts';
import type { ActorLoader } from '../identity/actors.ts';
import type { Caller } from '../identity/service.ts';
import { listScope } from '../patients/list-query.ts';
import type { ImagingAccess } from './access.ts';

export function patientImagingAccess(db: PrismaClient, actors: ActorLoader, reads: ChangeCounter = neverUnchanged): ImagingAccess {
  // A viewer asks for one frame per request, each checked: the patient's facts are kept while nothing changes.
  const patients = new ReadCache<PatientFacts | undefined>(reads);
  async function principal(caller: Caller, permission: Permission) {
    const actor = await actors.load(caller);
    return decide(actor, permission).allowed ? principalFor(actor, permission) : undefined;
  }
  function facts(patientKey: string): Promise<PatientFacts | undefined> {
    return patients.get(patientKey, () => readFacts(patientKey));
  }
  async function readFacts(patientKey: string): Promise<PatientFacts | undefined> {
    const patient = await db.patient.findUnique({ where: { pseudonymousId: patientKey }, select: { enrolledById: true, hcpId: true, participants: { select: { userId: true } } } });
    return patient ? { enrolledById: patient.enrolledById, hcpId: patient.hcpId, participantIds: patient.participants.map((p) => p.userId) } : undefined;
  }
  return {
    async canUpload(caller, patientKey) {
      const who = await principal(caller, 'patients.write');
      const patient = who && (await facts(patientKey));
      return Boolean(who && patient && mayAddFiles(who, patient));
    },
    async canRead(caller, patientKey) {
      const who = await principal(caller, 'patients.read');
      const patient = who && (await facts(patientKey));
      return Boolean(who && patient && maySeeRecord(who, patient));
    },
    async readablePatientKeys(caller) {
      const who = await principal(caller, 'patients.read');
      if (!who) return [];
      const scope = listScope(who);
      const rows = await db.patient.findMany({
        where: { OR: [{ hcpId: { in: [...scope.hcpIds] } }, { enrolledById: scope.userId }, { participants: { some: { userId: scope.userId } } }] },
        select: { pseudonymousId: true },
      });
      return rows.map((row) => row.pseudonymousId);
    },
  };
}
