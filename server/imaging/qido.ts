// QIDO-RS (PS3.18 10.6): the query parameters read into a search, attribute matching (PS3.4 C.2.2.2:
// single value, UID list, wildcard, range, universal), and the default return attributes per level.
import type { InstanceWithParents, SeriesWithStudy, StudyWithCounts } from './repo.ts';
import { attribute, type JsonDataset, tagOf } from './dicom/json.ts';

export type Level = 'study' | 'series' | 'instance';

/** A search read from the query string; `invalid` names the first problem for a 400. */
export interface QidoSearch {
  readonly filters: ReadonlyMap<string, string>;
  readonly includeAll: boolean;
  readonly includeFields: readonly string[];
  readonly limit: number | undefined;
  readonly offset: number;
  readonly fuzzy: boolean;
  /** Keys that were valid attributes but are not matched on (PS3.18: ignored, with a warning). */
  readonly ignoredKeys: readonly string[];
}

export class QidoQueryError extends Error {}

/** The attributes each level can match on and answers from the index. */
const studyKeys = ['00080020', '00080030', '00080050', '00080061', '00080090', '00081030', '00100010', '00100020', '00100030', '00100040', '0020000D', '00200010'];
const seriesKeys = ['00080060', '0008103E', '0020000E', '00200011', '00400244', '00400245'];
const instanceKeys = ['00080016', '00080018', '00200013', '00280008', '00280010', '00280011', '00280100'];

/** The attributes a level may match on: its own and those of the levels above (PS3.18 10.6.1.3). */
export function matchableKeys(level: Level): Set<string> {
  if (level === 'study') return new Set(studyKeys);
  if (level === 'series') return new Set([...studyKeys, ...seriesKeys]);
  return new Set([...studyKeys, ...seriesKeys, ...instanceKeys]);
}

const maxLimit = 100_000;

/** Reads the query parameters of a QIDO request at `level`. */
export function parseQido(query: Record<string, unknown>, level: Level): QidoSearch {
  const filters = new Map<string, string>();
  const includeFields: string[] = [];
  const ignoredKeys: string[] = [];
  let includeAll = false;
  let limit: number | undefined;
  let offset = 0;
  let fuzzy = false;
  const matchable = matchableKeys(level);
  const count = (name: string, raw: string) => {
    if (!/^\d+$/.test(raw)) throw new QidoQueryError(`${name} must be a whole number, not "${raw.slice(0, 20)}".`);
    return Number(raw);
  };
  for (const [name, value] of Object.entries(query)) {
    const values = (Array.isArray(value) ? value : [value]).map(String);
    const key = name.toLowerCase();
    if (key === 'includefield') {
      for (const field of values.flatMap((v) => v.split(','))) {
        if (field === 'all') includeAll = true;
        else {
          const tag = tagOf(field.trim());
          if (!tag) throw new QidoQueryError(`includefield names an unknown attribute "${field.slice(0, 64)}".`);
          includeFields.push(tag);
        }
      }
      continue;
    }
    if (values.length > 1) throw new QidoQueryError(`${name.slice(0, 64)} is given more than once.`);
    const single = values[0] ?? '';
    if (key === 'limit') limit = Math.min(count('limit', single), maxLimit);
    else if (key === 'offset') offset = count('offset', single);
    else if (key === 'fuzzymatching') fuzzy = single === 'true';
    else {
      // A key may name a nested attribute ("00400275.00400009"): not matched here.
      const tag = name.includes('.') ? undefined : tagOf(name);
      if (!tag) {
        if (name.split('.').every((part) => tagOf(part))) {
          ignoredKeys.push(name);
          continue;
        }
        throw new QidoQueryError(`Unknown query parameter "${name.slice(0, 64)}": use attribute keywords or tags, limit, offset, includefield or fuzzymatching.`);
      }
      if (!matchable.has(tag)) ignoredKeys.push(name);
      else filters.set(tag, single);
    }
  }
  return { filters, includeAll, includeFields, limit, offset, fuzzy, ignoredKeys };
}

/** One candidate's matchable values, by tag: a string, several (multi-valued), or a number. */
export type Values = ReadonlyMap<string, string | number | null | readonly string[]>;

const vrOfKey: Record<string, 'UI' | 'DA' | 'TM' | 'PN' | 'IS' | 'US' | 'text' | 'CS'> = {
  '0020000D': 'UI', '0020000E': 'UI', '00080018': 'UI', '00080016': 'UI',
  '00080020': 'DA', '00100030': 'DA', '00400244': 'DA',
  '00080030': 'TM', '00400245': 'TM',
  '00100010': 'PN', '00080090': 'PN',
  '00200011': 'IS', '00200013': 'IS', '00280008': 'IS',
  '00280010': 'US', '00280011': 'US', '00280100': 'US',
  '00080060': 'CS', '00080061': 'CS', '00100040': 'CS',
};

/** Whether a candidate matches every filter of the search. */
export function matches(values: Values, filters: ReadonlyMap<string, string>): boolean {
  for (const [tag, wanted] of filters) {
    if (wanted === '' || wanted === '*') continue; // universal matching: only asks for the attribute
    const value = values.get(tag);
    if (!matchesOne(vrOfKey[tag] ?? 'text', value, wanted)) return false;
  }
  return true;
}

function matchesOne(vr: string, value: string | number | null | readonly string[] | undefined, wanted: string): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some((one) => matchesOne(vr, one, wanted));
  const text = String(value);
  switch (vr) {
    case 'UI':
      return wanted.split(/[,\\]/).map((uid) => uid.trim()).includes(text);
    case 'CS':
      return wanted.split(/[,\\]/).some((one) => wildcard(one.trim(), text, false));
    case 'DA':
      return inRange(wanted, text, (v) => (/^\d{8}$/.test(v) ? v : undefined));
    case 'TM':
      return inRange(wanted, text, normaliseTime);
    case 'IS':
    case 'US':
      return wanted.split(/[,\\]/).some((one) => one.trim() !== '' && Number(one) === Number(text));
    case 'PN':
      // Person names match case-insensitively (PS3.4 C.2.2.2.1 allows it; Orthanc does the same).
      return wildcard(wanted, text, true);
    default:
      return wildcard(wanted, text, false);
  }
}

/** `*` any characters, `?` one character; otherwise the whole value. */
function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

/** A single value or a range "from-to", "-to", "from-" (both ends included). */
function inRange(wanted: string, value: string, normalise: (v: string) => string | undefined): boolean {
  const own = normalise(value);
  if (own === undefined) return false;
  const dash = wanted.indexOf('-');
  if (dash < 0) {
    const single = normalise(wanted);
    return single !== undefined && (single === own || (normalise === normaliseTime && own.startsWith(wanted.replace(/[:]/g, ''))));
  }
  const from = wanted.slice(0, dash).trim();
  const to = wanted.slice(dash + 1).trim();
  const low = from ? normalise(from) : '';
  const high = to ? normalise(to) : undefined;
  if (low === undefined || (to && high === undefined)) return false;
  return own >= low && (high === undefined || own <= high);
}

/** HHMMSS.FFFFFF, padded, so times compare as text; undefined when not a time. */
function normaliseTime(value: string): string | undefined {
  const match = /^(\d{2})(\d{2})?(\d{2})?(?:\.(\d{1,6}))?$/.exec(value.replace(/:/g, '').trim());
  if (!match) return undefined;
  return `${match[1]}${match[2] ?? '00'}${match[3] ?? '00'}.${(match[4] ?? '').padEnd(6, '0')}`;
}

/** The matchable values of a study row (ModalitiesInStudy from its series). */
export function studyValues(study: StudyWithCounts | SeriesWithStudy['study']): Map<string, string | number | null | readonly string[]> {
  const values = new Map<string, string | number | null | readonly string[]>([
    ['0020000D', study.studyInstanceUid],
    ['00080020', study.studyDate],
    ['00080030', study.studyTime],
    ['00080050', study.accessionNumber],
    ['00080090', study.referringPhysicianName],
    ['00081030', study.studyDescription],
    ['00100010', study.patientName],
    ['00100020', study.patientId],
    ['00100030', study.patientBirthDate],
    ['00100040', study.patientSex],
    ['00200010', study.studyId],
  ]);
  if ('series' in study) values.set('00080061', modalities(study));
  return values;
}

function modalities(study: StudyWithCounts): string[] {
  return [...new Set(study.series.map((s) => s.modality).filter((m) => m !== ''))].sort();
}

export function seriesValues(series: Omit<SeriesWithStudy, 'study' | '_count'>): Map<string, string | number | null> {
  return new Map<string, string | number | null>([
    ['0020000E', series.seriesInstanceUid],
    ['00080060', series.modality],
    ['0008103E', series.seriesDescription],
    ['00200011', series.seriesNumber],
    ['00400244', series.ppsStartDate],
    ['00400245', series.ppsStartTime],
  ]);
}

export function instanceValues(instance: InstanceWithParents): Map<string, string | number | null> {
  return new Map<string, string | number | null>([
    ['00080016', instance.sopClassUid],
    ['00080018', instance.sopInstanceUid],
    ['00200013', instance.instanceNumber],
    ['00280008', instance.numberOfFrames],
    ['00280010', instance.rows],
    ['00280011', instance.columns],
    ['00280100', instance.bitsAllocated],
  ]);
}

/** The study attributes of a QIDO answer (PS3.18 Table 10.6.3-3, plus StudyDescription). */
export function studyAttributes(study: StudyWithCounts | SeriesWithStudy['study'], retrieveUrl: string | undefined): JsonDataset {
  const dataset: JsonDataset = {
    '00080005': attribute('00080005', study.specificCharacterSet),
    '00080020': attribute('00080020', study.studyDate),
    '00080030': attribute('00080030', study.studyTime),
    '00080050': attribute('00080050', study.accessionNumber),
    '00080056': attribute('00080056', 'ONLINE'),
    '00080090': attribute('00080090', study.referringPhysicianName),
    '00081030': attribute('00081030', study.studyDescription),
    '00100010': attribute('00100010', study.patientName),
    '00100020': attribute('00100020', study.patientId),
    '00100030': attribute('00100030', study.patientBirthDate),
    '00100040': attribute('00100040', study.patientSex),
    '0020000D': attribute('0020000D', study.studyInstanceUid),
    '00200010': attribute('00200010', study.studyId),
  };
  if (!study.specificCharacterSet) delete dataset['00080005'];
  if (retrieveUrl) dataset['00081190'] = attribute('00081190', retrieveUrl);
  if ('series' in study) {
    dataset['00080061'] = attribute('00080061', modalities(study));
    dataset['00201206'] = attribute('00201206', study.series.length);
    dataset['00201208'] = attribute('00201208', study.series.reduce((sum, s) => sum + s._count.instances, 0));
  }
  return dataset;
}

/** The series attributes of a QIDO answer (PS3.18 Table 10.6.3-4). */
export function seriesAttributes(series: Omit<SeriesWithStudy, 'study'> | Omit<SeriesWithStudy, 'study' | '_count'>, retrieveUrl: string | undefined): JsonDataset {
  const dataset: JsonDataset = {
    '00080060': attribute('00080060', series.modality),
    '0008103E': attribute('0008103E', series.seriesDescription),
    '0020000E': attribute('0020000E', series.seriesInstanceUid),
    '00200011': attribute('00200011', series.seriesNumber),
    '00400244': attribute('00400244', series.ppsStartDate),
    '00400245': attribute('00400245', series.ppsStartTime),
  };
  if (retrieveUrl) dataset['00081190'] = attribute('00081190', retrieveUrl);
  if ('_count' in series) dataset['00201209'] = attribute('00201209', series._count.instances);
  return dataset;
}

/** The instance attributes of a QIDO answer (PS3.18 Table 10.6.3-5). */
export function instanceAttributes(instance: InstanceWithParents, retrieveUrl: string): JsonDataset {
  return {
    '00080016': attribute('00080016', instance.sopClassUid),
    '00080018': attribute('00080018', instance.sopInstanceUid),
    '00080056': attribute('00080056', 'ONLINE'),
    '00081190': attribute('00081190', retrieveUrl),
    '00200013': attribute('00200013', instance.instanceNumber),
    '00280008': attribute('00280008', instance.numberOfFrames),
    '00280010': attribute('00280010', instance.rows),
    '00280011': attribute('00280011', instance.columns),
    '00280100': attribute('00280100', instance.bitsAllocated),
  };
}
