/**
 * Window/level presets for CT, in Hounsfield units (width, centre), as radiology viewers commonly
 * offer them. The renderer names them through i18n (`imaging.presets.<id>`).
 */
import type { Voi } from './viewer-state.ts';

export const ctPresets = [
  { id: 'softTissue', windowWidth: 400, windowCenter: 40 },
  { id: 'lung', windowWidth: 1500, windowCenter: -600 },
  { id: 'bone', windowWidth: 2000, windowCenter: 300 },
  { id: 'brain', windowWidth: 80, windowCenter: 40 },
  { id: 'abdomen', windowWidth: 350, windowCenter: 50 },
  { id: 'liver', windowWidth: 150, windowCenter: 30 },
  { id: 'mediastinum', windowWidth: 350, windowCenter: 50 },
  { id: 'stroke', windowWidth: 40, windowCenter: 40 },
] as const satisfies readonly (Voi & { id: string })[];

export type CtPresetId = (typeof ctPresets)[number]['id'];

/**
 * The window as the lowest and highest value shown (cornerstone's VOI range), by the DICOM LINEAR
 * VOI function (PS3.3 C.11.2.1.2), as cornerstone converts it.
 */
export function voiToRange(voi: Voi): { lower: number; upper: number } {
  return { lower: voi.windowCenter - 0.5 - (voi.windowWidth - 1) / 2, upper: voi.windowCenter - 0.5 + (voi.windowWidth - 1) / 2 };
}

/** The window width and centre of a VOI range (inverse of {@link voiToRange}). */
export function rangeToVoi(range: { lower: number; upper: number }): Voi {
  return { windowWidth: Math.max(1, Math.abs(range.upper - range.lower) + 1), windowCenter: (range.lower + range.upper + 1) / 2 };
}
