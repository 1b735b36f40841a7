// Prisma access for patients: explicit selects per view; the list's query is in list-query.ts.
import type { Prisma, PrismaClient } from '../db/generated/client.ts';
import { type ListFilter, listPatients, type ListScope } from './list-query.ts';

/** What the list shows of a patient: pseudonymised facts only (identity is opened separately). */
export const patientSummarySelect = {
  id: true,
  pseudonymousId: true,
  nickname: true,
  ernId: true,
  hcpId: true,
  enrolledById: true,
  sex: true,
  birthYearMonth: true,
  birthArea: true,
  residenceArea: true,
  status: true,
  createdAt: true,
  identitySealed: true,
  enrolledBy: { select: { id: true, firstName: true, lastName: true, status: true } },
} satisfies Prisma.PatientSelect;

export const patientDetailSelect = {
  ...patientSummarySelect,
  updatedAt: true,
  anonymisedAt: true,
  reviewDueAt: true,
  record: true,
  recordVersion: true,
  consents: { select: { id: true, kind: true, form: true, givenAt: true, registeredById: true, withdrawnAt: true }, orderBy: { givenAt: 'asc' } },
  participants: { select: { createdAt: true, user: { select: { id: true, firstName: true, lastName: true, profession: true, status: true, hcp: { select: { code: true, name: true, countryCode: true } } } } }, orderBy: { createdAt: 'asc' } },
} satisfies Prisma.PatientSelect;

export type PatientSummaryRow = Prisma.PatientGetPayload<{ select: typeof patientSummarySelect }>;
export type PatientDetailRow = Prisma.PatientGetPayload<{ select: typeof patientDetailSelect }>;

export class PatientsRepo {
  constructor(readonly db: PrismaClient) {}

  /** The facts the policy needs, or null. */
  facts(patientId: string) {
    return this.db.patient.findUnique({
      where: { id: patientId },
      select: { id: true, pseudonymousId: true, ernId: true, enrolledById: true, hcpId: true, status: true, nickname: true, identitySealed: true, participants: { select: { userId: true } } },
    });
  }

  /**
   * Deletes the patient (files, events, consents... by cascade) and the index rows of their images
   * (studies, hence series and instances, whose PatientID is the pseudonymous id), all or nothing.
   */
  async deleteWithImages(patientId: string, pseudonymousId: string): Promise<void> {
    await this.db.$transaction([this.db.imagingStudy.deleteMany({ where: { patientId: pseudonymousId } }), this.db.patient.delete({ where: { id: patientId }, select: { id: true } })]);
  }

  /** The medical record as saved, with its version. */
  record(patientId: string) {
    return this.db.patient.findUnique({ where: { id: patientId }, select: { ernId: true, record: true, recordVersion: true } });
  }

  /** When and by whom version `version` of the record was saved (its "record_updated" event). */
  recordSave(patientId: string, version: number) {
    return this.db.patientEvent.findFirst({
      where: { patientId, kind: 'record_updated', details: JSON.stringify({ version }) },
      select: { at: true, actorId: true },
    });
  }

  /** A page of the Patient Records list and its total (see list-query.ts). */
  list(scope: ListScope, filter: ListFilter) {
    return listPatients(this.db, scope, filter);
  }

  detail(patientId: string) {
    return this.db.patient.findUnique({ where: { id: patientId }, select: patientDetailSelect });
  }

  nicknameTaken(key: string) {
    return this.db.patient.findUnique({ where: { nicknameKey: key }, select: { id: true } }).then((row) => row !== null);
  }

  pseudonymousIdTaken(id: string) {
    return this.db.patient.findUnique({ where: { pseudonymousId: id }, select: { id: true } }).then((row) => row !== null);
  }

  event(patientId: string, at: Date, actorId: string | null, kind: string, details: Record<string, string | number | boolean | null> = {}) {
    return this.db.patientEvent.create({ data: { patientId, at, actorId, kind, details: JSON.stringify(details) }, select: { id: true } });
  }
}
