import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { numbersOf, stringOf, tags } from '../../../app/imaging/dicom-json.ts';
import { buildDisplaySeries, frameRateOf, isReconstructable, sortInstances } from '../../../app/imaging/series.ts';
import { largeSeriesDir } from '../../fixtures/shared-data.ts';
import { folderMetadata, metadataOf, slice } from './metadata.ts';

const sopOf = (instance: Parameters<typeof stringOf>[0]) => stringOf(instance, tags.SOPInstanceUID);
const numberOfInstance = (instance: Parameters<typeof stringOf>[0]) => Number(stringOf(instance, tags.InstanceNumber));

describe('sortInstances', () => {
  test('orders slices by position along the normal, whatever order the server lists them in', () => {
    const ct = folderMetadata('ct-series');
    const shuffled = [ct[5]!, ct[0]!, ct[11]!, ct[3]!, ...ct.filter((_, i) => ![0, 3, 5, 11].includes(i))];
    const sorted = sortInstances(shuffled);
    expect(sorted.map(numberOfInstance)).toEqual(ct.map(numberOfInstance).sort((a, b) => a - b));
    const z = sorted.map((i) => numbersOf(i, tags.ImagePositionPatient)[2]!);
    const steps = z.slice(1).map((v, i) => Math.abs(v - z[i]!));
    expect(new Set(steps.map((s) => s.toFixed(2))).size).toBe(1);
  });

  test('starts at the lower instance number when positions run against the numbering', () => {
    // Instance 1 lies at the far end of the normal (as in the shared 160-slice MR series).
    const instances = [slice('1.1', 1, [0, 0, 30]), slice('1.2', 2, [0, 0, 20]), slice('1.3', 3, [0, 0, 10])];
    expect(sortInstances([instances[1]!, instances[2]!, instances[0]!]).map(sopOf)).toEqual(['1.1', '1.2', '1.3']);
  });

  test('falls back to instance numbers when orientations differ or positions are missing', () => {
    const mixed = [slice('1.2', 2, [0, 0, 0]), slice('1.1', 1, [0, 0, 5], [0, 1, 0, 0, 0, -1])];
    expect(sortInstances(mixed).map(sopOf)).toEqual(['1.1', '1.2']);
    const unplaced = [slice('1.3', 3, []), slice('1.1', 1, [])];
    expect(sortInstances(unplaced).map(sopOf)).toEqual(['1.1', '1.3']);
  });
});

describe('isReconstructable', () => {
  test('an evenly spaced stack of parallel slices can be reformatted (the CT and MR fixtures)', () => {
    expect(isReconstructable(sortInstances(folderMetadata('ct-series')))).toBe(true);
    expect(isReconstructable(sortInstances(folderMetadata('mr-series')))).toBe(true);
  });

  test('too few slices, gaps, in-plane shifts, mixed sizes or multi-frame instances cannot', () => {
    const at = (z: number, x = 0) => slice(`1.${z}`, z, [x, 0, z]);
    expect(isReconstructable([at(1), at(2)])).toBe(false);
    expect(isReconstructable([at(1), at(2), at(3), at(6)])).toBe(false);
    expect(isReconstructable([at(1), at(2, 5), at(3, 10)])).toBe(false);
    const larger = slice('1.3', 3, [0, 0, 3], undefined, { '00280010': { vr: 'US', Value: [128] } });
    expect(isReconstructable([at(1), at(2), larger])).toBe(false);
    const multiFrame = slice('1.3', 3, [0, 0, 3], undefined, { '00280008': { vr: 'IS', Value: [2] } });
    expect(isReconstructable([at(1), at(2), multiFrame])).toBe(false);
    expect(isReconstructable([at(1), at(2), at(3)])).toBe(true);
  });

  const large = largeSeriesDir();
  test.skipIf(!large)('the shared 160-slice sagittal MR series (when ../shared is present) sorts into a volume', () => {
    const files = readdirSync(large!).filter((f) => f.endsWith('.dcm'));
    const sorted = sortInstances(files.map((f) => metadataOf(readFileSync(`${large}/${f}`))));
    expect(sorted).toHaveLength(160);
    expect(numberOfInstance(sorted[0]!)).toBe(1);
    expect(isReconstructable(sorted)).toBe(true);
  });
});

describe('buildDisplaySeries', () => {
  test('expands multi-frame instances into one image per frame and reads their cine rate', () => {
    const cine = slice('1.9', 1, [], undefined, { '00280008': { vr: 'IS', Value: [30] }, '00181063': { vr: 'DS', Value: [33.3333] } });
    const series = buildDisplaySeries('1.2.3', [cine]);
    expect(series.images).toHaveLength(30);
    expect(series.images[29]).toEqual({ sopInstanceUid: '1.9', frame: 30 });
    expect(series.frameRate).toBe(30);
    expect(series.reconstructable).toBe(false);
  });

  test('leaves out instances without pixels (structured reports, RT structures)', () => {
    const report = { '00080018': { vr: 'UI', Value: ['1.8'] }, '00080060': { vr: 'CS', Value: ['SR'] } };
    const series = buildDisplaySeries('1.2.3', [report, slice('1.1', 1, [0, 0, 0])]);
    expect(series.images).toEqual([{ sopInstanceUid: '1.1', frame: 1 }]);
  });

  test('takes modality, description and number from the instances', () => {
    const series = buildDisplaySeries('1.2.3', folderMetadata('ct-series'));
    expect(series).toMatchObject({ modality: 'CT', description: 'STD BRAIN 5MM', reconstructable: true });
    expect(series.images).toHaveLength(12);
  });
});

describe('frameRateOf', () => {
  test('prefers the recommended display frame rate, then cine rate, then frame time', () => {
    expect(frameRateOf({ '00082144': { vr: 'IS', Value: [15] }, '00181063': { vr: 'DS', Value: [10] } })).toBe(15);
    expect(frameRateOf({ '00180040': { vr: 'IS', Value: [25] } })).toBe(25);
    expect(frameRateOf({ '00181063': { vr: 'DS', Value: ['40'] } })).toBe(25);
    expect(frameRateOf({})).toBeUndefined();
  });
});
