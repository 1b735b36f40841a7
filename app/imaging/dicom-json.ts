/**
 * Reading the DICOM JSON model (PS3.18 F.2), as QIDO-RS and WADO-RS metadata answer it: typed
 * accessors for the few value shapes the viewer needs. Tags are 8 upper-case hex digits.
 */

/** One attribute: its VR and either values, a bulk data reference or inline base64 bytes. */
export interface DicomJsonAttribute {
  readonly vr: string;
  readonly Value?: readonly unknown[];
  readonly BulkDataURI?: string;
  readonly InlineBinary?: string;
}

/** A dataset (one instance, or one item of a sequence). */
export type DicomJsonDataset = Readonly<Record<string, DicomJsonAttribute | undefined>>;

/** Person names come as component groups; the viewer shows the alphabetic one. */
interface PersonNameValue {
  readonly Alphabetic?: string;
  readonly Ideographic?: string;
  readonly Phonetic?: string;
}

/** The attribute's values, or [] when absent or empty. */
export function valuesOf(dataset: DicomJsonDataset, tag: string): readonly unknown[] {
  return dataset[tag]?.Value ?? [];
}

/** The first value as text (person names as their alphabetic group), if any. */
export function stringOf(dataset: DicomJsonDataset, tag: string): string | undefined {
  const [first] = valuesOf(dataset, tag);
  if (first === undefined || first === null) return undefined;
  if (typeof first === 'object') return personName(first as PersonNameValue);
  return String(first);
}

/** The first value as a finite number (DS and IS may arrive as strings), if any. */
export function numberOf(dataset: DicomJsonDataset, tag: string): number | undefined {
  return numbersOf(dataset, tag)[0];
}

/** All values as numbers; a value that is not a finite number makes the whole answer []. */
export function numbersOf(dataset: DicomJsonDataset, tag: string): number[] {
  const numbers = valuesOf(dataset, tag).map((value) => (typeof value === 'string' ? Number(value.trim()) : value));
  return numbers.every((value): value is number => typeof value === 'number' && Number.isFinite(value)) ? numbers : [];
}

/** A person name value as one line of text. */
export function personName(value: PersonNameValue): string {
  return value.Alphabetic ?? value.Ideographic ?? value.Phonetic ?? '';
}

/** Tags the viewer reads, by keyword. */
export const tags = {
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  Modality: '00080060',
  SeriesDescription: '0008103E',
  StudyDescription: '00081030',
  PatientName: '00100010',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  ImagePositionPatient: '00200032',
  ImageOrientationPatient: '00200037',
  FrameOfReferenceUID: '00200052',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
  PixelSpacing: '00280030',
  BitsAllocated: '00280100',
  PhotometricInterpretation: '00280004',
  WindowCenter: '00281050',
  WindowWidth: '00281051',
  RecommendedDisplayFrameRate: '00082144',
  CineRate: '00180040',
  FrameTime: '00181063',
  NumberOfSeriesRelatedInstances: '00201209',
  PixelData: '7FE00010',
  FloatPixelData: '7FE00008',
  DoubleFloatPixelData: '7FE00009',
} as const;
