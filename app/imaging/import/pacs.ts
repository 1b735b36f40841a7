// Searching and retrieving a hospital PACS over DICOMweb (QIDO-RS and WADO-RS, PS3.18 10.4/10.6):
// the URLs the workstation asks and what it reads from the answers. The search terms go from the
// workstation to the PACS only, never to the Consilium server.
import { z } from 'zod';

/** What the user searches by; empty terms are left out. */
export const pacsSearchSchema = z.object({
  patientId: z.string().trim().max(64).default(''),
  patientName: z.string().trim().max(64).default(''),
  /** YYYYMMDD, or a range YYYYMMDD-YYYYMMDD (either side may be open). */
  studyDate: z.string().trim().regex(/^$|^\d{8}$|^\d{8}-(\d{8})?$|^-\d{8}$/, 'date').default(''),
  accessionNumber: z.string().trim().max(16).default(''),
});
export type PacsSearch = z.input<typeof pacsSearchSchema>;

/** The PACS's DICOMweb root as entered: http(s) only, without a trailing slash. Throws when it is not one. */
export function pacsBaseUrl(entered: string): string {
  const match = /^(https?):\/\/([^/?#\s]+)([^?#\s]*)(?:[?#]\S*)?$/i.exec(entered.trim());
  if (!match) throw new Error('only http and https addresses');
  const [, scheme = '', authority = '', path = ''] = match;
  if (authority.includes('@')) throw new Error('no credentials in the address');
  if (!/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.test(authority)) throw new Error('not a host');
  return `${scheme.toLowerCase()}://${authority.toLowerCase()}${path}`.replace(/\/+$/, '');
}

function queryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');
}

/** The QIDO-RS study search for these terms; a name matches as a prefix (`*`), as PACS users expect. */
export function studySearchUrl(base: string, search: PacsSearch, limit = 100): string {
  const terms = pacsSearchSchema.parse(search);
  const query: Array<readonly [string, string]> = [];
  if (terms.patientId) query.push(['PatientID', terms.patientId]);
  if (terms.patientName) query.push(['PatientName', terms.patientName.endsWith('*') ? terms.patientName : `${terms.patientName}*`]);
  if (terms.studyDate) query.push(['StudyDate', terms.studyDate]);
  if (terms.accessionNumber) query.push(['AccessionNumber', terms.accessionNumber]);
  for (const field of ['PatientName', 'PatientID', 'PatientBirthDate', 'StudyDate', 'StudyDescription', 'AccessionNumber', 'ModalitiesInStudy', 'NumberOfStudyRelatedInstances']) query.push(['includefield', field]);
  query.push(['limit', String(limit)]);
  return `${base}/studies?${queryString(query)}`;
}

/** The QIDO-RS search for every instance of a study (their series and SOP Instance UIDs). */
export function studyInstancesUrl(base: string, studyUid: string): string {
  return `${base}/studies/${encodeURIComponent(studyUid)}/instances?includefield=00080018&includefield=0020000E`;
}

/** The WADO-RS retrieval of one instance as a Part 10 file. */
export function instanceUrl(base: string, instance: PacsInstance): string {
  return `${base}/studies/${encodeURIComponent(instance.studyUid)}/series/${encodeURIComponent(instance.seriesUid)}/instances/${encodeURIComponent(instance.sopUid)}`;
}

/** What WADO-RS is asked for: Part 10 files, in the syntax they are stored in (no transcoding). */
export const wadoAccept = 'multipart/related; type="application/dicom"; transfer-syntax=*';

/** A study as the search list shows it (on the workstation only). */
export interface PacsStudy {
  readonly studyUid: string;
  readonly patientName: string;
  readonly patientId: string;
  readonly birthDate: string;
  readonly studyDate: string;
  readonly description: string;
  readonly accessionNumber: string;
  readonly modalities: string;
  readonly instances?: number;
}

export interface PacsInstance {
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopUid: string;
}

type JsonDataset = Record<string, { Value?: unknown[] } | undefined>;

function text(dataset: JsonDataset, tag: string): string {
  const values = dataset[tag]?.Value ?? [];
  return values
    .map((value) => (typeof value === 'object' && value !== null ? String((value as { Alphabetic?: unknown }).Alphabetic ?? '') : String(value)))
    .join('\\');
}

function datasets(body: unknown): JsonDataset[] {
  if (!Array.isArray(body)) throw new Error('the PACS answered something else than a DICOM JSON list');
  return body.filter((item): item is JsonDataset => typeof item === 'object' && item !== null);
}

/** The studies of a QIDO-RS answer (DICOM JSON); those without a Study Instance UID are left out. */
export function readStudies(body: unknown): PacsStudy[] {
  return datasets(body)
    .map((d) => {
      const count = Number(text(d, '00201208'));
      return {
        studyUid: text(d, '0020000D'),
        patientName: text(d, '00100010').replaceAll('^', ' ').trim(),
        patientId: text(d, '00100020'),
        birthDate: text(d, '00100030'),
        studyDate: text(d, '00080020'),
        description: text(d, '00081030'),
        accessionNumber: text(d, '00080050'),
        modalities: text(d, '00080061').replaceAll('\\', ', '),
        ...(Number.isInteger(count) && count > 0 ? { instances: count } : {}),
      };
    })
    .filter((study) => study.studyUid !== '');
}

/** The instances of a study from a QIDO-RS instance search. */
export function readInstances(body: unknown, studyUid: string): PacsInstance[] {
  return datasets(body)
    .map((d) => ({ studyUid, seriesUid: text(d, '0020000E'), sopUid: text(d, '00080018') }))
    .filter((instance) => instance.seriesUid !== '' && instance.sopUid !== '');
}
