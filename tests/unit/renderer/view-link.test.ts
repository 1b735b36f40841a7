import { describe, expect, test } from 'vitest';
import { initialViewerState, type ViewerState } from '../../../app/imaging/viewer-state.ts';
import { decodeView, encodeView, viewPath } from '../../../renderer/imaging/view-link.ts';

const state: ViewerState = {
  ...initialViewerState('1.2.840.1', '1.2.840.1.1'),
  annotations: [
    {
      uid: 'a1',
      tool: 'ArrowAnnotate',
      seriesInstanceUid: '1.2.840.1.1',
      image: { sopInstanceUid: '1.2.840.1.1.7', frame: 1 },
      frameOfReferenceUid: null,
      viewPlaneNormal: [0, 0, 1],
      viewUp: null,
      points: [[1, 2, 3], [4, 5, 6]],
      text: 'Läsion, größer als 2 cm',
    },
  ],
};

describe('view links', () => {
  test('a state survives the trip through the link, non-ASCII annotation text included', () => {
    expect(decodeView(encodeView(state))).toEqual(state);
  });

  test('the link is a URL-safe path to the study', () => {
    const path = viewPath(state);
    expect(path).toMatch(/^\/imaging\/studies\/1\.2\.840\.1\?view=[A-Za-z0-9_-]+$/);
  });

  test('a damaged or forged link is refused', () => {
    const code = encodeView(state);
    expect(() => decodeView(code.slice(0, -10))).toThrow();
    expect(() => decodeView(encodeView({ ...state, layout: '2x2' }))).toThrow();
    expect(() => decodeView('not base64 at all!')).toThrow();
  });
});
