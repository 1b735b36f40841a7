import { describe, expect, test } from 'vitest';
import { buildDisplaySeries } from '../../../app/imaging/series.ts';
import { type StackGeometry, stackGeometry, syncedIndex } from '../../../app/imaging/sync.ts';
import { folderMetadata, slice } from './metadata.ts';

const axial = (z: number[], frameOfReferenceUid = '1.9'): StackGeometry => ({
  frameOfReferenceUid,
  normal: [0, 0, 1],
  positions: z.map((v) => [0, 0, v] as const),
});

describe('syncedIndex', () => {
  test('parallel stacks in one frame of reference follow by position, whatever their spacing', () => {
    const thin = axial([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const thick = axial([0, 5, 10]);
    expect(syncedIndex(thin, 6, 5, thick, 0)).toBe(1);
    expect(syncedIndex(thin, 9, 8, thick, 1)).toBe(2);
    expect(syncedIndex(thick, 2, 1, thin, 5)).toBe(10);
  });

  test('other stacks move by the same number of images, never past either end', () => {
    const source = axial([0, 1, 2, 3]);
    const otherFrame = axial([0, 1, 2, 3, 4], '1.8');
    expect(syncedIndex(source, 2, 1, otherFrame, 3)).toBe(4);
    expect(syncedIndex(source, 3, 2, otherFrame, 4)).toBe(4);
    expect(syncedIndex(source, 0, 3, otherFrame, 1)).toBe(0);
    const cine: StackGeometry = { frameOfReferenceUid: undefined, normal: undefined, positions: [undefined, undefined, undefined] };
    expect(syncedIndex(source, 2, 1, cine, 0)).toBe(1);
  });
});

describe('stackGeometry', () => {
  test('reads positions and the slice normal of a series (the CT fixture: axial)', () => {
    const geometry = stackGeometry(buildDisplaySeries('1.2.3', folderMetadata('ct-series')));
    expect(geometry.positions).toHaveLength(12);
    expect(geometry.positions.every((p) => p !== undefined)).toBe(true);
    expect(Math.abs(geometry.normal![2])).toBeCloseTo(1, 3);
  });

  test('frames of a multi-frame instance have no position of their own', () => {
    const cine = slice('1.9', 1, [0, 0, 0], undefined, { '00280008': { vr: 'IS', Value: [3] } });
    expect(stackGeometry(buildDisplaySeries('1.2.3', [cine])).positions).toEqual([undefined, undefined, undefined]);
  });
});
