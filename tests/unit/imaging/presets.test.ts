import { describe, expect, test } from 'vitest';
import { ctPresets, rangeToVoi, voiToRange } from '../../../app/imaging/presets.ts';

describe('window presets', () => {
  test('the CT presets a radiologist expects, in Hounsfield units', () => {
    const byId = Object.fromEntries(ctPresets.map((p) => [p.id, [p.windowWidth, p.windowCenter]]));
    expect(byId).toMatchObject({ softTissue: [400, 40], lung: [1500, -600], bone: [2000, 300], brain: [80, 40], abdomen: [350, 50], liver: [150, 30] });
  });

  test('a window converts to the VOI range by the DICOM linear function and back unchanged', () => {
    // PS3.3 C.11.2.1.2: W 400 L 40 maps -160 and below to black, 239 and above to white.
    expect(voiToRange({ windowWidth: 400, windowCenter: 40 })).toEqual({ lower: -160, upper: 239 });
    for (const preset of ctPresets) expect(rangeToVoi(voiToRange(preset))).toEqual({ windowWidth: preset.windowWidth, windowCenter: preset.windowCenter });
  });
});
