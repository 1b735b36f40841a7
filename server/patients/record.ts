// Checking a medical record before it is saved: every coded term against its code list (what is
// stored is the list's own code and preferred term) and the ERN's dataset against its schema.
import type { CodeEntryView, CodeGetInput, CodeListAbout, CodeSystem } from '../../app/codes/schemas.ts';
import { DomainError } from '../../app/errors.ts';
import { datasetSchemaFor } from '../../app/patients/datasets/index.ts';
import { issueFields } from '../../app/patients/datasets/issues.ts';
import { type CodedList, type CodedTerm, codedLists, type MedicalRecord, recordFieldPrefix } from '../../app/patients/record.ts';
import { checkDataset } from './datasets/validate.ts';

/** The code lists as the record needs them (server/codes CodesService). */
export interface CodeLists {
  /** One code of a list; `not_found` when the list has no such code. */
  get(input: CodeGetInput): Promise<CodeEntryView>;
  /** Each list's name, release and the credit to show with its terms. */
  about(): Promise<CodeListAbout[]>;
}

const listNames: Readonly<Record<CodeSystem, string>> = { hpo: 'HPO', orphanet: 'Orphanet', icd10cm: 'ICD-10-CM' };

async function entryOf(codes: CodeLists, system: CodeSystem, code: string): Promise<CodeEntryView | undefined> {
  try {
    return await codes.get({ system, code });
  } catch (error) {
    if (error instanceof DomainError && error.code === 'not_found') return undefined;
    throw error;
  }
}

/**
 * The record as it is to be stored, or `invalid_input` naming every offending field: a code its list
 * does not have, a code listed twice, dataset answers the ERN's schema refuses (or any answers when
 * the ERN defines no dataset). Codes are stored as the list writes them ("558" becomes ORPHA:558, an
 * HPO alternative id its current term), with the list's preferred term. An empty dataset is one not
 * filled in yet, which a record may be saved without.
 */
export async function checkRecord(codes: CodeLists, ernId: string, record: MedicalRecord): Promise<MedicalRecord> {
  const fields: Record<string, string[]> = {};
  const coded: Partial<Record<CodedList, CodedTerm[]>> = {};
  for (const [list, system] of Object.entries(codedLists) as Array<[CodedList, CodeSystem]>) {
    const seen = new Set<string>();
    const terms: CodedTerm[] = [];
    for (const [index, term] of record[list].entries()) {
      const field = `${recordFieldPrefix}.${list}.${index}.code`;
      const entry = await entryOf(codes, system, term.code);
      if (!entry) fields[field] = [`${term.code}: not in the ${listNames[system]} code list`];
      else if (seen.has(entry.code)) fields[field] = [`${entry.code}: listed twice`];
      else {
        seen.add(entry.code);
        terms.push({ code: entry.code, term: entry.term });
      }
    }
    coded[list] = terms;
  }
  if (Object.keys(record.dataset).length > 0) {
    const datasetField = `${recordFieldPrefix}.dataset`;
    if (!datasetSchemaFor(ernId)) fields[datasetField] = [`${ernId} defines no dataset`];
    else {
      const result = checkDataset(ernId, record.dataset);
      if (!result.valid) Object.assign(fields, issueFields(datasetField, result.issues));
    }
  }
  if (Object.keys(fields).length > 0) throw new DomainError('invalid_input', {}, fields);
  return { ...record, ...coded };
}
