// The identifying values of an original instance, read on the workstation before de-identification,
// so that the de-identified output can be searched for them (findResidue) as the last check before
// anything leaves the workstation.
import dcmjs from 'dcmjs';

/** Attributes whose values name or identify the patient directly. */
const identifyingTags = [
  '00100010', // Patient's Name
  '00100020', // Patient ID
  '00100030', // Patient's Birth Date
  '00101000', // Other Patient IDs
  '00101001', // Other Patient Names
  '00101005', // Patient's Birth Name
  '00101060', // Patient's Mother's Birth Name
  '00080050', // Accession Number
];

/** Full dates of the study; with the year-and-month option their day is dropped, unless it is the 1st. */
const studyDateTags = ['00080020', '00080021', '00080022', '00080023'];

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value === 'number') return [String(value)];
  if (typeof value === 'object' && value !== null) return Object.values(value as Record<string, unknown>).flatMap(strings);
  return [];
}

/** What the workstation reads from an original before de-identifying it. */
export interface OriginalFacts {
  /** Values to search the output for (findResidue). */
  readonly identifying: string[];
  /** Modality (0008,0060), for the import list. */
  readonly modality?: string;
}

/**
 * The identifying values of an instance (names, ids, birth date, accession number, and full study
 * dates except the 1st of a month, which the year-and-month option keeps as it is). Empty when the
 * header cannot be read (de-identification will say why).
 */
export function readOriginal(bytes: Uint8Array): OriginalFacts {
  let dict: Record<string, { Value?: unknown[] } | undefined>;
  try {
    ({ dict } = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer, { untilTag: '7FE00010', ignoreErrors: true }));
  } catch {
    return { identifying: [] };
  }
  const values = new Set<string>();
  const add = (value: string) => {
    // Components of a person name (family^given^...) are separate words of it.
    const clean = value.replace(/\0/g, '').trim();
    if (clean.length >= 2) values.add(clean);
  };
  for (const tag of identifyingTags) for (const value of dict[tag]?.Value ?? []) strings(value).forEach(add);
  for (const tag of studyDateTags) {
    for (const value of dict[tag]?.Value ?? []) {
      const date = String(value).trim();
      if (/^\d{8}$/.test(date) && !date.endsWith('01')) values.add(date);
    }
  }
  const modality = dict['00080060']?.Value?.[0];
  return { identifying: [...values], ...(typeof modality === 'string' && modality.trim() ? { modality: modality.trim() } : {}) };
}
