// A patient's imaging studies as the record's "Files" tab lists them, and which patient a study
// belongs to (for the viewer's link back to the record): inputs and views of the `imaging` procedures.
import { z } from 'zod';
import { idSchema } from '../access/schemas.ts';

export const patientStudiesInput = z.object({ patientId: idSchema }).strict();

/** A DICOM UID (PS3.5 9.1): digits and dots, at most 64 characters. */
export const studyUidSchema = z.string().max(64).regex(/^\d+(\.\d+)*$/);

export const studyPatientInput = z.object({ studyInstanceUid: studyUidSchema }).strict();

/** One stored study of a patient, newest first in a list. */
export interface PatientStudyView {
  readonly studyInstanceUid: string;
  /** Study Date as YYYY-MM-DD (as de-identified: often the first of the month), or null when absent. */
  readonly date: string | null;
  readonly description: string;
  /** The modalities of its series, each once, in order. */
  readonly modalities: readonly string[];
  readonly series: number;
  readonly instances: number;
}

/** The patient a study belongs to, for who may see the record. */
export interface StudyPatientView {
  readonly patientId: string;
  readonly nickname: string;
}

/** A DICOM DA value (YYYYMMDD) as YYYY-MM-DD; null when it is not one. */
export function isoDate(value: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(value.trim());
  return match ? `${match[1]}-${match[2]}-${match[3]}` : null;
}
