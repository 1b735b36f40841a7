// Table-driven: every attribute of PS3.15 Table E.1-1 is put in a dataset, at the top level and
// inside a sequence item, with an identifying value; after de-identification each one shows the
// effect of its action code (D, Z, X, U and the compound codes resolved as documented), under the
// Basic Profile alone and under the Modified Dates option.
import dcmjs, { type DcmjsDict, type DcmjsElement } from 'dcmjs';
import { beforeAll, describe, expect, test } from 'vitest';
import { profileTable } from '../../../app/imaging/deidentify/profile-table.ts';
import type { ProfileRow } from '../../../app/imaging/deidentify/profile-types.ts';
import type { UidMap } from '../../../app/imaging/deidentify/uids.ts';
import { allStrings, baseDataset, deidentified, newUidMap, parse, part10 } from './helpers.ts';

/** A sequence outside the table that holds every attribute once more, one level down. */
const wrapperTag = '0040A170';
/** Attributes the de-identifier writes itself, and Patient's Name and ID (replaced by the pseudonym, tested below). */
const writtenByUs = new Set(['00080005', '00120062', '00120063', '00120064', '00280301', '00280303', '00100010', '00100020']);

function vrOf(tag: string): string | undefined {
  const vr = dcmjs.data.DicomMetaDictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`]?.vr;
  if (vr === 'ox' || vr === 'lt') return 'OB';
  if (vr === 'xs') return 'US';
  return vr;
}

const rows = profileTable.filter((row) => /^[0-9A-F]{8}$/.test(row.tag) && !row.tag.startsWith('000') && !writtenByUs.has(row.tag) && vrOf(row.tag) !== undefined && !['AT', 'SV', 'UV'].includes(vrOf(row.tag)!));

const secretBytes = (n: number) => new Uint8Array([...'SECRET!!'].map((c) => c.charCodeAt(0) + (n % 7))).buffer;
/** An identifying value of the attribute's VR; `n` makes UIDs distinct per attribute and place. */
function sample(vr: string, n: number): unknown[] {
  switch (vr) {
    case 'AE': return ['SECRETAE'];
    case 'AS': return ['045Y'];
    case 'CS': return ['SECRETCODE'];
    case 'DA': return ['20130730'];
    case 'DT': return ['20130730083015'];
    case 'TM': return ['083015'];
    case 'DS': case 'FL': case 'FD': return [42.5];
    case 'IS': case 'SL': case 'SS': case 'UL': case 'US': return [7];
    case 'PN': return [{ Alphabetic: 'Secret^Person' }];
    case 'UI': return [`1.2.826.0.1.3680043.2.1143.9.${n}`];
    case 'UR': return ['http://secret.example/x'];
    case 'OB': case 'OW': case 'OF': case 'OD': case 'OL': case 'OV': case 'UN': return [secretBytes(n)];
    case 'SQ': return [{ '00080100': { vr: 'SH', Value: ['SECRETCODE'] }, '00080104': { vr: 'LO', Value: ['Secret meaning'] }, '00081155': { vr: 'UI', Value: [`1.2.826.0.1.3680043.2.1143.8.${n}`] } }];
    default: return ['Secret text'];
  }
}

function datasetWithEveryRow(): DcmjsDict {
  const top = baseDataset();
  const item: DcmjsDict = {};
  rows.forEach((row, i) => {
    top[row.tag] = { vr: vrOf(row.tag)!, Value: sample(vrOf(row.tag)!, i) };
    item[row.tag] = { vr: vrOf(row.tag)!, Value: sample(vrOf(row.tag)!, 10_000 + i) };
  });
  top[wrapperTag] = { vr: 'SQ', Value: [item] };
  return top;
}

/** The single action a present, non-empty value gets (README: compound codes resolved by what the instance shows). */
function resolved(code: string): string {
  return ({ 'X/Z': 'Z', 'X/D': 'D', 'X/Z/D': 'D', 'Z/D': 'D', 'X/Z/U*': 'U*' } as Record<string, string>)[code] ?? code;
}

const isEmpty = (element: DcmjsElement) => (element.Value ?? []).every((v) => v === '' || v === null || (typeof v === 'object' && v !== null && 'Alphabetic' in v && !(v as { Alphabetic?: string }).Alphabetic));
const text = (element: DcmjsElement) => JSON.stringify(element.Value, (_k, v: unknown) => (v instanceof ArrayBuffer ? [...new Uint8Array(v)] : v));

function expectEffect(row: ProfileRow, original: DcmjsElement, out: DcmjsElement | undefined, action: string, uids: UidMap): void {
  const where = `${row.tag} ${row.name} (${row.basic} -> ${action})`;
  switch (action) {
    case 'X':
      expect(out, where).toBeUndefined();
      return;
    case 'Z':
      expect(out, where).toBeDefined();
      expect(isEmpty(out!), where).toBe(true);
      return;
    case 'U':
    case 'D': {
      expect(out, where).toBeDefined();
      expect(isEmpty(out!), where).toBe(false);
      if (original.vr === 'SQ') {
        const item = out!.Value![0] as DcmjsDict;
        expect(item['00080100']?.Value, where).toEqual(['ANONYMIZED']);
        expect(item['00081155']?.Value, where).toEqual([uids.lookup(String((original.Value![0] as DcmjsDict)['00081155']!.Value![0]))]);
        return;
      }
      expect(text(out!), where).not.toBe(text(original));
      expect(text(out!), where).not.toMatch(/secret|20130730|083015|045Y/i);
      if (original.vr === 'UI') expect(out!.Value, where).toEqual([uids.lookup(String(original.Value![0]))]);
      return;
    }
    case 'U*': {
      const item = out!.Value![0] as DcmjsDict;
      expect(item['00081155']?.Value?.[0], where).toMatch(/^2\.25\.\d+$/);
      expect(item['00081155']?.Value, where).toEqual([uids.lookup(String((original.Value![0] as DcmjsDict)['00081155']!.Value![0]))]);
      return;
    }
    default:
      throw new Error(`no expectation for ${action}`);
  }
}

describe.each([
  ['the Basic Profile alone (dates removed)', 'remove' as const],
  ['the Modified Dates option (default)', 'yearMonth' as const],
])('every attribute of Table E.1-1 under %s', (_name, dates) => {
  let input: DcmjsDict;
  let output: DcmjsDict;
  let uids: UidMap;
  beforeAll(async () => {
    input = datasetWithEveryRow();
    uids = newUidMap();
    output = parse((await deidentified(part10(input), { uidMap: uids, dates })).bytes).dict;
  });

  const expected = (row: ProfileRow) => {
    const vr = vrOf(row.tag)!;
    if (dates === 'yearMonth' && row.options.retainLongitudinalModifiedDates === 'C' && ['DA', 'DT', 'TM'].includes(vr)) return 'modified';
    return resolved(row.basic);
  };
  const modified: Record<string, string> = { DA: '20130701', DT: '20130701', TM: '000000' };

  test.each(rows.map((row) => [`${row.tag} ${row.name}`, row] as const))('%s: at the top level and inside a sequence', (_label, row) => {
    const nested = (output[wrapperTag]?.Value?.[0] ?? {}) as DcmjsDict;
    const nestedInput = input[wrapperTag]!.Value![0] as DcmjsDict;
    for (const [original, out] of [[input[row.tag]!, output[row.tag]], [nestedInput[row.tag]!, nested[row.tag]]] as const) {
      const action = expected(row);
      if (action === 'modified') expect(out?.Value, row.name).toEqual([modified[original.vr]]);
      else expectEffect(row, original, out, action, uids);
    }
  });

  test('no identifying sample value is left anywhere in the output', () => {
    const leftovers = allStrings(output).filter((line) => /secret|20130730|083015/i.test(line));
    // Only what the table keeps: items of U* and K sequences keep their codes (e.g. Referenced Image Sequence).
    const uStarTags = profileTable.filter((row) => row.basic === 'X/Z/U*').map((row) => row.tag);
    expect(leftovers.filter((line) => !uStarTags.some((tag) => line.includes(`${tag}[0]/00080`)))).toEqual([]);
  });
});

describe('attributes outside the table', () => {
  test('private attributes go at every depth, with their creators; overlay groups go whole; unknown standard-looking tags go', async () => {
    const dict = baseDataset();
    dict['00090010'] = { vr: 'LO', Value: ['ACME 1.0'] };
    dict['00091001'] = { vr: 'LO', Value: ['Secret private'] };
    dict['60000010'] = { vr: 'US', Value: [512] };
    dict['60003000'] = { vr: 'OW', Value: [new ArrayBuffer(8)] };
    dict['00431099'] = { vr: 'UN', Value: [new ArrayBuffer(4)] };
    dict['0011EE00'] = { vr: 'LO', Value: ['odd'] };
    dict['00FE0010'] = { vr: 'LO', Value: ['not in the dictionary'] };
    dict[wrapperTag] = { vr: 'SQ', Value: [{ '00290010': { vr: 'LO', Value: ['SIEMENS CSA HEADER'] }, '00291010': { vr: 'OB', Value: [new ArrayBuffer(6)] }, '00080100': { vr: 'SH', Value: ['121'] } }] };
    const output = parse((await deidentified(part10(dict))).bytes).dict;
    const tags = Object.keys(output);
    expect(tags.filter((tag) => parseInt(tag.slice(0, 4), 16) % 2 === 1)).toEqual([]);
    expect(tags.filter((tag) => tag.startsWith('6000') || tag.startsWith('00FE'))).toEqual([]);
    expect(output[wrapperTag]!.Value).toEqual([{ '00080100': expect.objectContaining({ Value: ['121'] }) }]);
  });

  test("dates and times the table does not list are treated like listed ones", async () => {
    const dict = { ...baseDataset(), '00181012': { vr: 'DA', Value: ['20130730'] }, '00181014': { vr: 'TM', Value: ['083015'] } };
    const modified = parse((await deidentified(part10(dict))).bytes).dict;
    expect([modified['00181012']?.Value, modified['00181014']?.Value]).toEqual([['20130701'], ['000000']]);
    const removed = parse((await deidentified(part10(dict), { dates: 'remove' })).bytes).dict;
    expect(allStrings(removed).filter((line) => /20130730|083015/.test(line))).toEqual([]);
  });

  test('compound codes on an empty value: Z/D and X/Z/D stay empty, X/D goes', async () => {
    const dict = { ...baseDataset(), '00080023': { vr: 'DA', Value: [] }, '00080080': { vr: 'LO', Value: [] }, '00181400': { vr: 'LO', Value: [] } };
    const output = parse((await deidentified(part10(dict), { dates: 'remove' })).bytes).dict;
    expect(profileTable.find((row) => row.tag === '00181400')?.basic).toBe('X/D');
    expect(output['00080023'] && isEmpty(output['00080023'])).toBe(true);
    expect(output['00080080'] && isEmpty(output['00080080'])).toBe(true);
    expect(output['00181400']).toBeUndefined();
  });

  test('Retain Patient Characteristics keeps sex, age, size and weight, and says so', async () => {
    const dict = { ...baseDataset(), '00100040': { vr: 'CS', Value: ['F'] }, '00101010': { vr: 'AS', Value: ['045Y'] }, '00101030': { vr: 'DS', Value: [61.5] }, '00102110': { vr: 'LO', Value: ['Secret allergy'] } };
    const kept = parse((await deidentified(part10(dict), { retainPatientCharacteristics: true })).bytes).dict;
    expect([kept['00100040']?.Value, kept['00101010']?.Value, kept['00101030']?.Value]).toEqual([['F'], ['045Y'], [61.5]]);
    expect(kept['00102110']).toBeUndefined(); // C (clean free text) is not implemented: the Basic Profile's X applies
    expect((kept['00120064']!.Value as DcmjsDict[]).map((item) => item['00080100']!.Value![0])).toContain('113108');
    const basic = parse((await deidentified(part10(dict))).bytes).dict;
    expect(basic['00100040'] && isEmpty(basic['00100040'])).toBe(true);
    expect(basic['00101010']).toBeUndefined();
  });
});
