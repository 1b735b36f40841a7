// De-identification of real files: every fixture in every transfer syntax comes out as a valid Part
// 10 file in the same syntax with its pixel bytes untouched, UIDs replaced consistently across a
// series, dates reduced as the policy says, and the de-identification recorded.
import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import type { DcmjsDict } from 'dcmjs';
import { describe, expect, test } from 'vitest';
import { type DeidentifiedInstance, deidentify, DeidentifyError, needsRedaction } from '../../../app/imaging/deidentify/index.ts';
import { profileTable } from '../../../app/imaging/deidentify/profile-table.ts';
import { scanPart10 } from '../../../app/imaging/deidentify/scan.ts';
import { thrown } from '../../fixtures/errors.ts';
import { allStrings, allTags, baseDataset, baseOptions, deidentified, fixture, fixtureDir, hasShared, newUidMap, parse, parseWithDicomParser, part10, sameBytes, sharedDicomDir } from './helpers.ts';

const filesIn = (folder: string) => readdirSync(new URL(`${folder}/`, fixtureDir)).filter((name) => name.endsWith('.dcm')).map((name) => `${folder}/${name}`);
const readable = [...filesIn('transfer-syntax'), ...filesIn('ct-series'), ...filesIn('single'), ...filesIn('phi')];
const uidRows = new Set(profileTable.filter((row) => row.basic === 'U').map((row) => row.tag));

/** The Pixel Data element's bytes (header and value), from the dataset as stored or inflated. */
function pixelElement(file: Uint8Array): Uint8Array | undefined {
  const scanned = scanPart10(file, Number.MAX_SAFE_INTEGER);
  return scanned.pixelData && scanned.body.slice(scanned.pixelData.start, scanned.pixelData.end);
}

const codes = (dict: DcmjsDict) => (dict['00120064']?.Value as DcmjsDict[]).map((item) => item['00080100']!.Value![0]);

describe('every fixture file', () => {
  test.each(readable)('%s: same transfer syntax, readable by dcmjs and dicom-parser, pixel bytes untouched, pseudonym in place', async (path) => {
    const input = await fixture(path);
    const before = input.slice();
    const result = await deidentified(input, { masks: [] }); // masks: [] = the user reviewed the pixels, nothing to mask
    const { meta, dict } = parse(result.bytes);
    expect(sameBytes(input, before)).toBe(true);
    expect(result.transferSyntax).toBe(scanPart10(input, Infinity).transferSyntax);
    expect(meta['00020010']!.Value).toEqual([result.transferSyntax]);
    expect(meta['00020003']!.Value).toEqual([result.sopInstanceUid]);
    expect(dict['00080018']!.Value).toEqual([result.sopInstanceUid]);
    expect(result.sopInstanceUid).toMatch(/^2\.25\.\d{1,39}$/);
    expect(parseWithDicomParser(result.bytes).string('x00100010')).toBe('Blue Falcon 42');
    expect(dict['00100020']!.Value).toEqual(['PSN-7F3K9']);
    expect(sameBytes(pixelElement(result.bytes), pixelElement(input)) || (pixelElement(input) === undefined && pixelElement(result.bytes) === undefined)).toBe(true);
    expect(allTags(dict).filter((tag) => parseInt(tag.slice(0, 4), 16) % 2 === 1)).toEqual([]);
    expect(dict['00120062']!.Value).toEqual(['YES']);
  });

  test('native pixel data is byte-identical by dicom-parser too', async () => {
    const input = await fixture('ct-series/IM0001.dcm');
    const output = (await deidentified(input)).bytes;
    const [a, b] = [input, output].map((bytes) => {
      const element = parseWithDicomParser(bytes).elements.x7fe00010!;
      return bytes.slice(element.dataOffset, element.dataOffset + element.length);
    });
    expect(a!.length).toBe(512 * 512 * 2);
    expect(sameBytes(a, b)).toBe(true);
  });

  test('deflated stays deflated and big endian stays big endian', async () => {
    const deflated = (await deidentified(await fixture('transfer-syntax/ct_deflated.dcm'))).bytes;
    const scanned = scanPart10(deflated, Infinity);
    expect(scanned.body.length).toBeGreaterThan(deflated.length - scanned.datasetOffset); // the stored dataset is compressed
    const bigEndian = (await deidentified(await fixture('transfer-syntax/ct_explicit-vr-be.dcm'))).bytes;
    const ds = parseWithDicomParser(bigEndian);
    expect([ds.string('x00020010'), ds.uint16('x00280010'), ds.string('x00100010')]).toEqual(['1.2.840.10008.1.2.2', 512, 'Blue Falcon 42']);
  });
});

describe('UIDs', () => {
  /** For every U attribute at any depth of the input, the output holds the map's replacement at the same place. */
  function expectMapped(input: DcmjsDict, output: DcmjsDict, lookup: (uid: string) => string | undefined, path = ''): number {
    let checked = 0;
    for (const [tag, element] of Object.entries(input)) {
      const out = output[tag];
      if (element.vr === 'SQ' && out) {
        (element.Value ?? []).forEach((item, i) => (checked += expectMapped(item as DcmjsDict, out.Value![i] as DcmjsDict, lookup, `${path}${tag}[${i}]/`)));
      } else if (element.vr === 'UI' && uidRows.has(tag) && out) {
        expect(out.Value, `${path}${tag}`).toEqual(element.Value!.map((uid) => lookup(String(uid))));
        checked++;
      }
    }
    return checked;
  }

  async function series(paths: string[], read: (path: string) => Promise<Uint8Array>) {
    const uidMap = newUidMap();
    const results: { input: DcmjsDict; output: DcmjsDict; result: DeidentifiedInstance }[] = [];
    for (const path of paths) {
      const input = await read(path);
      const result = await deidentified(input, { uidMap });
      results.push({ input: parse(input).dict, output: parse(result.bytes).dict, result });
    }
    for (const { input, output } of results) expect(expectMapped(input, output, (uid) => uidMap.lookup(uid))).toBeGreaterThanOrEqual(5);
    const same = (tag: string) => new Set(results.map(({ output }) => output[tag]!.Value![0]));
    expect(same('0020000D').size).toBe(1);
    expect(same('0020000E').size).toBe(1);
    expect(same('00200052').size).toBe(1);
    expect(new Set(results.map(({ result }) => result.sopInstanceUid)).size).toBe(paths.length);
    expect([...same('0020000D')][0]).not.toBe(results[0]!.input['0020000D']!.Value![0]);
    return results;
  }

  test('are replaced consistently across a series: study, series, frame of reference, and references inside sequences', async () => {
    const results = await series(filesIn('ct-series'), fixture);
    // Referenced Image Sequence (X/Z/U*) keeps its item with the referenced UID replaced.
    expect((results[0]!.output['00081140']!.Value![0] as DcmjsDict)['00081155']!.Value![0]).toMatch(/^2\.25\./);
  });

  test.skipIf(!hasShared)('are replaced consistently across the whole 12-slice CT series (../shared)', async () => {
    const dir = new URL('ct-series/philips-head-phantom-5mm/', sharedDicomDir);
    const names = (await readdir(dir)).filter((name) => name.endsWith('.dcm')).sort();
    expect(names).toHaveLength(12);
    await series(names, async (name) => new Uint8Array(await readFile(new URL(name, dir))));
  });
  if (!hasShared) console.log('skipped: the 12-slice series test needs ../shared/dicom');

  test('the same UID map gives the same UIDs when a file is imported twice; a new map gives new ones', async () => {
    const input = await fixture('ct-series/IM0002.dcm');
    const uidMap = newUidMap();
    const first = await deidentified(input, { uidMap });
    const again = await deidentified(input, { uidMap });
    const other = await deidentified(input);
    expect(again.sopInstanceUid).toBe(first.sopInstanceUid);
    expect(again.studyInstanceUid).toBe(first.studyInstanceUid);
    expect(other.sopInstanceUid).not.toBe(first.sopInstanceUid);
  });
});

describe('dates', () => {
  test('Modified Dates (default): year and month kept, day 01, times 000000, date-times without time', async () => {
    const { dict } = parse((await deidentified(await fixture('ct-series/IM0001.dcm'))).bytes);
    expect(dict['00080020']!.Value).toEqual(['20150201']);
    expect(dict['00080023']!.Value).toEqual(['20150201']);
    expect(dict['0008002A']!.Value).toEqual(['20150201']);
    expect(dict['00080030']!.Value).toEqual(['000000']);
    expect(dict['00280303']!.Value).toEqual(['MODIFIED']);
    expect(codes(dict)).toEqual(['113100', '113107']);
    expect(allStrings(dict).filter((line) => line.includes('20150206'))).toEqual([]);
  });

  test('remove: no date or time of the original is left; the profile says REMOVED', async () => {
    const input = await fixture('ct-series/IM0001.dcm');
    const originals = allStrings(parse(input).dict).filter((line) => /^\S+ = (\d{8}|\d{6}(\.\d+)?|\d{14})$/.test(line)).map((line) => line.split(' = ')[1]!);
    expect(originals).toContain('20150206');
    const { dict } = parse((await deidentified(input, { dates: 'remove' })).bytes);
    const left = allStrings(dict);
    for (const value of originals) expect(left.filter((line) => line.endsWith(` = ${value}`) && !line.includes('00280'))).toEqual([]);
    expect(dict['00280303']!.Value).toEqual(['REMOVED']);
    expect(codes(dict)).toEqual(['113100']);
  });
});

describe('the record of de-identification', () => {
  test('Patient Identity Removed YES, the method as text and as DCM codes, UTF-8 character set', async () => {
    const { dict } = parse((await deidentified(await fixture('phi/mr_overlay_icon_private.dcm'))).bytes);
    expect(dict['00120062']!.Value).toEqual(['YES']);
    expect(dict['00120063']!.Value).toEqual(['Consilium, PS3.15 2024b', 'Basic Application Confidentiality Profile', 'Retain Longitudinal Temporal Information Modified Dates']);
    expect(dict['00120064']!.Value![0]).toMatchObject({ '00080100': { Value: ['113100'] }, '00080102': { Value: ['DCM'] }, '00080104': { Value: ['Basic Application Confidentiality Profile'] } });
    expect(dict['00080005']!.Value).toEqual(['ISO_IR 192']);
  });

  test('text in another character set (Latin-1) comes out as UTF-8, kept attributes included', async () => {
    const file = part10({ ...baseDataset(), '00080005': { vr: 'CS', Value: ['ISO_IR 100'] }, '00080070': { vr: 'LO', Value: ['MXller Medical'] } });
    file[Buffer.from(file).indexOf(Buffer.from('MXller')) + 1] = 0xfc; // ü in ISO 8859-1
    const { dict } = parse((await deidentified(file)).bytes);
    expect([dict['00080005']!.Value, dict['00080070']!.Value]).toEqual([['ISO_IR 192'], ['Müller Medical']]);
  });

  test('a nickname with accents survives as UTF-8', async () => {
    const { dict } = parse((await deidentified(part10(baseDataset()), { nickname: 'Zöe Ørsted 7' })).bytes);
    expect(dict['00100010']!.Value).toEqual([{ Alphabetic: 'Zöe Ørsted 7' }]);
  });
});

describe('burned-in annotations', () => {
  test.each([
    ['phi/us_burned-in-yes_jpeg-ls.dcm', 'burned_in_annotation'],
    ['phi/xc_icon-sequence_jpeg-baseline.dcm', 'sop_class'],
    ['phi/ot_ssn-like-id_jpeg-baseline.dcm', 'sop_class'],
    ['transfer-syntax/us_jpeg-baseline_30frames.dcm', 'sop_class'],
    ['ct-series/IM0001.dcm', undefined],
    ['single/sr_nested.dcm', undefined],
  ])('%s is held for review: %s', async (path, reason) => {
    const input = await fixture(path);
    expect(needsRedaction(input)).toBe(reason);
    const result = await deidentify(input, baseOptions());
    expect(result.status).toBe(reason ? 'held' : 'deidentified');
    if (result.status === 'held') {
      expect(result.reason).toBe(reason);
      expect(result).not.toHaveProperty('bytes');
      expect(result.sopInstanceUid).toMatch(/^2\.25\./);
      expect(result.rows! * result.columns! * result.frames).toBeGreaterThan(0);
    }
  });

  test('Burned In Annotation NO releases even an ultrasound; YES holds even a CT', async () => {
    const image = { ...baseDataset(), '00280010': { vr: 'US', Value: [2] }, '00280011': { vr: 'US', Value: [2] }, '7FE00010': { vr: 'OB', Value: [new ArrayBuffer(4)] } };
    const us = { ...image, '00080060': { vr: 'CS', Value: ['US'] }, '00280301': { vr: 'CS', Value: ['NO'] } };
    const ct = { ...image, '00280301': { vr: 'CS', Value: ['YES'] } };
    expect(needsRedaction(part10(us))).toBeUndefined();
    expect(needsRedaction(part10(ct))).toBe('burned_in_annotation');
    expect(needsRedaction(part10({ ...image, '00080060': { vr: 'CS', Value: ['US'] } }))).toBe('modality');
    expect(needsRedaction(part10({ ...image, '00080008': { vr: 'CS', Value: ['DERIVED', 'SECONDARY', 'SCREEN SAVE'] } }))).toBe('screen_capture');
  });
});

describe('options', () => {
  test.each([
    ['an empty nickname', { nickname: ' ' }],
    ['a nickname with a backslash (a DICOM value separator)', { nickname: 'a\\b' }],
    ['a pseudonymous id longer than 64 characters', { pseudonymousId: 'x'.repeat(65) }],
    ['a control character', { pseudonymousId: 'a\u0000b' }],
    ['an unknown date policy', { dates: 'shift' }],
    ['no UID map', { uidMap: undefined }],
    ['a mask with negative width', { masks: [{ x: 0, y: 0, width: -1, height: 2 }] }],
  ])('refuses %s as invalid_options', async (_name, change) => {
    const error = await thrown(deidentify(await fixture('ct-series/IM0001.dcm'), { ...baseOptions(), ...(change as object) }), DeidentifyError);
    expect(error.code).toBe('invalid_options');
  });
});
