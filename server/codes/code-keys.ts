// How typed codes map to each list's codes: "ORPHA:558" or "558", "HP:0001250" or "1250", "Q87.4"
// or "q874". Keys are compact strings, sorted, so a prefix is a contiguous range.
import type { CodeSystem } from '../../app/codes/schemas.ts';

/** The search key of a list's own code: ORPHA:558 → "558", HP:0001250 → "1250", Q87.4 → "Q874". */
export function keyOfCode(system: CodeSystem, code: string): string {
  if (system === 'icd10cm') return code.replace('.', '');
  return String(Number(code.slice(code.indexOf(':') + 1)));
}

/** What a query asks of one list's codes: keys equal to `key` (exact) or beginning with it (prefix). */
export interface CodeQuery {
  readonly system: CodeSystem;
  readonly key: string;
  /** When set, a prefix match must have exactly this length (HP:00012 means 0001200-0001299). */
  readonly length?: number;
}

/** The code queries a text stands for, in every list it could be a code of. */
export function codeQueries(text: string): CodeQuery[] {
  const compact = text.trim().toUpperCase().replace(/\s+/g, '');
  const queries: CodeQuery[] = [];
  const orpha = /^(?:ORPHA(?:CODE)?[:_-]?)?(\d{1,7})$/.exec(compact);
  if (orpha?.[1]) queries.push({ system: 'orphanet', key: String(Number(orpha[1])) });
  const hpo = /^(?:HP[:_-]?)?(\d{1,7})$/.exec(compact);
  if (hpo?.[1]) {
    const digits = hpo[1];
    const zeros = /^0*/.exec(digits)![0].length;
    const key = String(Number(digits));
    // All 7 digits name one code; leading zeros typed with fewer ("HP:00012") fix where the digits stand.
    if (digits.length === 7) queries.push({ system: 'hpo', key, length: key.length });
    else if (zeros > 0 && key !== '0') queries.push({ system: 'hpo', key, length: 7 - zeros });
    else queries.push({ system: 'hpo', key });
  }
  const icd = /^([A-Z]\d[0-9A-Z]?)(?:\.?([0-9A-Z]{1,4}))?$/.exec(compact.endsWith('.') ? compact.slice(0, -1) : compact);
  if (icd?.[1] && (icd[2] === undefined || icd[1].length === 3)) queries.push({ system: 'icd10cm', key: icd[1] + (icd[2] ?? '') });
  return queries;
}
