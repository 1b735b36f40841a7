/**
 * Need to know on patients (SPEC PT-4, PT-7, PT-8): who sees a patient's pseudonymised record, who
 * sees the identifying data, who changes, deletes or erases. Decided on the loaded patient, after
 * the procedure's permission; deny by default. `principal` is the clinician an assistant acts for.
 */
import { hasErnRole, hasGlobalRole, type Principal } from '../access/actor.ts';

export interface PatientFacts {
  readonly enrolledById: string;
  readonly hcpId: string;
  readonly participantIds: readonly string[];
}

const isEnroller = (p: Principal, patient: PatientFacts) => p.userId === patient.enrolledById;
const isGdprOfficer = (p: Principal, patient: PatientFacts) => hasGlobalRole(p, 'GDPROfficer', patient.hcpId);
/** A clinician (HP) of the enrolling HCP: the treating team. */
const treatingTeam = (p: Principal, patient: PatientFacts) => p.hcpId === patient.hcpId && !p.guest && hasErnRole(p, ['HP']);

/** The pseudonymised record: the treating team, the participants, the HCP's GDPR officer. */
export function maySeeRecord(p: Principal, patient: PatientFacts): boolean {
  return isEnroller(p, patient) || treatingTeam(p, patient) || patient.participantIds.includes(p.userId) || isGdprOfficer(p, patient);
}

/** The identifying data: the enrolling clinician (and so their assistants) and the HCP's GDPR officer only. */
export function maySeeIdentity(p: Principal, patient: PatientFacts): boolean {
  return isEnroller(p, patient) || isGdprOfficer(p, patient);
}

/** Changes to the record, consents and participants: the enrolling clinician and their treating team. */
export function mayEditRecord(p: Principal, patient: PatientFacts): boolean {
  return isEnroller(p, patient) || treatingTeam(p, patient);
}

/** Adding files: whoever may see the record as a clinician (not the GDPR officer). */
export function mayAddFiles(p: Principal, patient: PatientFacts): boolean {
  return isEnroller(p, patient) || treatingTeam(p, patient) || patient.participantIds.includes(p.userId);
}

/** Deleting a file: its uploader, or the enrolling clinician (the lead). */
export function mayDeleteFile(p: Principal, patient: PatientFacts, file: { uploadedById: string }): boolean {
  return file.uploadedById === p.userId || isEnroller(p, patient);
}

/** Deleting the whole record: clinicians of the enrolling HCP. */
export function mayDeleteRecord(p: Principal, patient: PatientFacts): boolean {
  return isEnroller(p, patient) || treatingTeam(p, patient);
}

/** Recording the 15-year retention review ("keep for another 15 years"): clinicians of the enrolling HCP. */
export function mayReview(p: Principal, patient: PatientFacts): boolean {
  return isEnroller(p, patient) || treatingTeam(p, patient);
}

/** Erasing the identifying data on the patient's request: the HCP's GDPR officer. */
export function mayErase(p: Principal, patient: PatientFacts): boolean {
  return isGdprOfficer(p, patient);
}

/** Exporting the patient's data (portability): the enrolling clinician or the GDPR officer. */
export function mayExport(p: Principal, patient: PatientFacts): boolean {
  return isEnroller(p, patient) || isGdprOfficer(p, patient);
}

/** What the record's reader may do with it, for the client to show actions (the server decides again). */
export function patientAbilities(p: Principal, patient: PatientFacts) {
  return {
    seeIdentity: maySeeIdentity(p, patient),
    edit: mayEditRecord(p, patient),
    addFiles: mayAddFiles(p, patient),
    delete: mayDeleteRecord(p, patient),
    erase: mayErase(p, patient),
    export: mayExport(p, patient),
    review: mayReview(p, patient),
  };
}
export type PatientAbilities = ReturnType<typeof patientAbilities>;
