import { describe, expect, test } from 'vitest';
import { initialViewerState, initialViewport, parseViewerState, type ViewerState, withLayout } from '../../../app/imaging/viewer-state.ts';

const study = '1.2.840.1';
const [a, b, c] = ['1.2.840.1.1', '1.2.840.1.2', '1.2.840.1.3'];

function state(overrides: Partial<ViewerState> = {}): ViewerState {
  return { ...initialViewerState(study, a), ...overrides };
}

describe('parseViewerState', () => {
  test('accepts a state as read from a viewer and survives a JSON round trip unchanged', () => {
    const full: ViewerState = {
      ...state(),
      layout: '1x2',
      activeViewport: 1,
      syncScroll: true,
      viewports: [
        { ...initialViewport(a), imageIndex: 4, voi: { windowWidth: 400, windowCenter: 40 }, zoom: 2.5, pan: [0.1, -0.2], rotation: 90, flipHorizontal: true, invert: true },
        initialViewport(b),
      ],
      annotations: [
        {
          uid: 'x1',
          tool: 'Length',
          seriesInstanceUid: a,
          image: { sopInstanceUid: '1.2.3.4', frame: 1 },
          frameOfReferenceUid: '1.2.9',
          viewPlaneNormal: [0, 0, 1],
          viewUp: [0, -1, 0],
          points: [[0, 0, 10], [30, 40, 10]],
          text: null,
        },
      ],
    };
    expect(parseViewerState(JSON.parse(JSON.stringify(full)))).toEqual(full);
  });

  test.each([
    ['a layout with the wrong number of viewports', { layout: '2x2' }],
    ['an active viewport that does not exist', { activeViewport: 3 }],
    ['an unknown layout', { layout: '3x3' }],
    ['a UID that is not one', { studyInstanceUid: 'DROP TABLE' }],
    ['a rotation that is not a quarter turn', { viewports: [{ ...initialViewport(a), rotation: 45 }] }],
    ['a zero zoom', { viewports: [{ ...initialViewport(a), zoom: 0 }] }],
    ['a reformatted plane in a grid layout', { viewports: [initialViewport(a, 'axial')] }],
    ['an unknown version', { version: 2 }],
  ])('refuses %s', (_name, change) => {
    expect(() => parseViewerState({ ...state(), ...change })).toThrow();
  });

  test('MPR needs one series as axial, sagittal and coronal, in that order', () => {
    const mpr = withLayout(state(), 'mpr', [a]);
    expect(parseViewerState(mpr)).toEqual(mpr);
    expect(() => parseViewerState({ ...mpr, viewports: [mpr.viewports[1], mpr.viewports[0], mpr.viewports[2]] })).toThrow();
    expect(() => parseViewerState({ ...mpr, viewports: [mpr.viewports[0], mpr.viewports[1], { ...mpr.viewports[2], seriesInstanceUid: b }] })).toThrow();
  });
});

describe('withLayout', () => {
  test('a larger grid keeps the viewports and fills the new ones with the following series', () => {
    const start = state({ viewports: [{ ...initialViewport(b), imageIndex: 7 }] });
    const grid = withLayout(start, '2x2', [a, b, c]);
    expect(grid.viewports.map((v) => v.seriesInstanceUid)).toEqual([b, c, a, b]);
    expect(grid.viewports[0]!.imageIndex).toBe(7);
    expect(parseViewerState(grid)).toEqual(grid);
  });

  test('a smaller grid drops the last viewports and keeps the active one in range', () => {
    const grid = { ...withLayout(state(), '2x2', [a, b, c]), activeViewport: 3 };
    const smaller = withLayout(grid, '1x2', [a, b, c]);
    expect(smaller.viewports).toHaveLength(2);
    expect(smaller.activeViewport).toBe(1);
  });

  test('MPR reformats the active series with its window; leaving it shows that series alone', () => {
    const voi = { windowWidth: 80, windowCenter: 40 };
    const start = { ...withLayout(state(), '1x2', [a, b]), activeViewport: 1 };
    start.viewports[1] = { ...start.viewports[1]!, voi };
    const mpr = withLayout(start, 'mpr', [a, b]);
    expect(mpr.viewports.map((v) => [v.seriesInstanceUid, v.orientation, v.voi, v.imageIndex])).toEqual([
      [b, 'axial', voi, null],
      [b, 'sagittal', voi, null],
      [b, 'coronal', voi, null],
    ]);
    const back = withLayout(mpr, '1x1', [a, b]);
    expect(back.viewports).toEqual([{ ...initialViewport(b), voi }]);
  });

  test('the same layout changes nothing', () => {
    const start = state();
    expect(withLayout(start, '1x1', [a])).toBe(start);
  });
});
