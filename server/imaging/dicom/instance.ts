// Reads what the index needs from a DICOM Part 10 file, fast (dicom-parser: header attributes and the
// pixel data's layout, no copy of the pixels), with text decoded by the file's character set.
import dicomParser, { type DataSet } from 'dicom-parser';
import { DicomFrameError, type FrameIndex, locateFrames } from './frames.ts';

/** The attributes stored in the index, as the file holds them (text trimmed; '' when absent). */
export interface ParsedInstance {
  readonly transferSyntaxUid: string;
  readonly sopClassUid: string;
  readonly sopInstanceUid: string;
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  /** (0012,0062) Patient Identity Removed is YES. */
  readonly patientIdentityRemoved: boolean;
  readonly study: {
    readonly patientId: string;
    readonly patientName: string;
    readonly patientBirthDate: string;
    readonly patientSex: string;
    readonly studyDate: string;
    readonly studyTime: string;
    readonly accessionNumber: string;
    readonly referringPhysicianName: string;
    readonly studyId: string;
    readonly studyDescription: string;
    readonly specificCharacterSet: string;
  };
  readonly series: {
    readonly modality: string;
    readonly seriesNumber: number | null;
    readonly seriesDescription: string;
    readonly ppsStartDate: string;
    readonly ppsStartTime: string;
  };
  readonly instance: {
    readonly instanceNumber: number | null;
    readonly rows: number | null;
    readonly columns: number | null;
    readonly bitsAllocated: number | null;
    readonly numberOfFrames: number | null;
  };
  readonly frames: FrameIndex | undefined;
}

/** Why bytes are not a storable DICOM instance; the message is safe to show (no data quoted). */
export class DicomParseError extends Error {}

const charsetLabels: Record<string, string> = {
  'ISO_IR 100': 'latin1',
  'ISO_IR 101': 'iso-8859-2',
  'ISO_IR 109': 'iso-8859-3',
  'ISO_IR 110': 'iso-8859-4',
  'ISO_IR 144': 'iso-8859-5',
  'ISO_IR 127': 'iso-8859-6',
  'ISO_IR 126': 'iso-8859-7',
  'ISO_IR 138': 'iso-8859-8',
  'ISO_IR 148': 'iso-8859-9',
  'ISO_IR 166': 'windows-874',
  'ISO_IR 192': 'utf-8',
  GB18030: 'gb18030',
  GBK: 'gbk',
};

/** A text decoder for (0008,0005); ASCII-compatible Latin-1 when absent or not supported here. */
function decoderFor(specificCharacterSet: string): TextDecoder {
  const first = specificCharacterSet.split('\\').find((term) => term.trim() !== '')?.trim() ?? '';
  return new TextDecoder(charsetLabels[first] ?? 'latin1');
}

function isPart10(bytes: Uint8Array): boolean {
  return bytes.length > 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

/** Parses the header of a Part 10 file; DicomParseError when it is not one or is damaged. */
export function parseInstance(bytes: Uint8Array): ParsedInstance {
  if (!isPart10(bytes)) throw new DicomParseError('Not a DICOM Part 10 file (no "DICM" prefix after the preamble).');
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes);
  } catch (error) {
    throw new DicomParseError(`The DICOM file cannot be read: ${parserMessage(error)}.`);
  }
  const raw = (tag: string) => {
    const element = dataSet.elements[tag];
    if (!element || element.length <= 0 || element.dataOffset + element.length > dataSet.byteArray.length) return undefined;
    return dataSet.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
  };
  const ascii = (tag: string) => {
    const value = raw(tag);
    return value ? Buffer.from(value).toString('latin1').replace(/[\0 ]+$/, '').trim() : '';
  };
  const specificCharacterSet = ascii('x00080005');
  const decoder = decoderFor(specificCharacterSet);
  const text = (tag: string) => {
    const value = raw(tag);
    return value ? decoder.decode(value).replace(/[\0 ]+$/, '').trim() : '';
  };
  const integer = (tag: string): number | null => {
    const value = ascii(tag).split('\\')[0] ?? '';
    return /^[+-]?\d+$/.test(value) ? Number(value) : null;
  };
  const unsigned = (tag: string): number | null => (raw(tag) ? (dataSet.uint16(tag) ?? null) : null);

  const transferSyntaxUid = ascii('x00020010');
  const sopClassUid = ascii('x00080016') || ascii('x00020002');
  const sopInstanceUid = ascii('x00080018') || ascii('x00020003');
  const studyInstanceUid = ascii('x0020000d');
  const seriesInstanceUid = ascii('x0020000e');
  if (!transferSyntaxUid) throw new DicomParseError('The file meta information has no Transfer Syntax UID (0002,0010).');
  for (const [name, value] of [['SOP Class UID', sopClassUid], ['SOP Instance UID', sopInstanceUid], ['Study Instance UID', studyInstanceUid], ['Series Instance UID', seriesInstanceUid]] as const) {
    if (!isUid(value)) throw new DicomParseError(`The instance has no valid ${name}.`);
  }
  let frames: FrameIndex | undefined;
  try {
    frames = locateFrames(dataSet, transferSyntaxUid, false);
  } catch (error) {
    if (error instanceof DicomFrameError) throw new DicomParseError(error.message);
    throw error;
  }
  const numberOfFrames = integer('x00280008');
  return {
    transferSyntaxUid,
    sopClassUid,
    sopInstanceUid,
    studyInstanceUid,
    seriesInstanceUid,
    patientIdentityRemoved: ascii('x00120062').toUpperCase() === 'YES',
    study: {
      patientId: text('x00100020'),
      patientName: text('x00100010'),
      patientBirthDate: ascii('x00100030'),
      patientSex: ascii('x00100040'),
      studyDate: ascii('x00080020'),
      studyTime: ascii('x00080030'),
      accessionNumber: text('x00080050'),
      referringPhysicianName: text('x00080090'),
      studyId: text('x00200010'),
      studyDescription: text('x00081030'),
      specificCharacterSet,
    },
    series: {
      modality: ascii('x00080060'),
      seriesNumber: integer('x00200011'),
      seriesDescription: text('x0008103e'),
      ppsStartDate: ascii('x00400244'),
      ppsStartTime: ascii('x00400245'),
    },
    instance: {
      instanceNumber: integer('x00200013'),
      rows: unsigned('x00280010'),
      columns: unsigned('x00280011'),
      bitsAllocated: unsigned('x00280100'),
      numberOfFrames: frames ? (numberOfFrames ?? 1) : numberOfFrames,
    },
    frames,
  };
}

/** Re-parses an inflated (deflate transfer syntax) instance to find its frames; returns the inflated bytes too. */
export function locateInflatedFrames(bytes: Uint8Array): { bytes: Uint8Array; frames: Exclude<FrameIndex, { kind: 'inflate' }> } | undefined {
  const dataSet = dicomParser.parseDicom(bytes);
  const frames = locateFrames(dataSet, dataSet.string('x00020010') ?? '', true);
  if (!frames || frames.kind === 'inflate') return undefined;
  return { bytes: dataSet.byteArray, frames };
}

/** A DICOM UID: dot-separated numbers, at most 64 characters. */
export function isUid(value: string): boolean {
  return value.length > 0 && value.length <= 64 && /^\d+(\.\d+)*$/.test(value);
}

/** dicom-parser throws strings, or objects with an `exception`; never quote data, only its own words. */
function parserMessage(error: unknown): string {
  const text = typeof error === 'string' ? error : error instanceof Error ? error.message : typeof error === 'object' && error && 'exception' in error ? String((error as { exception: unknown }).exception) : 'unknown error';
  return text.replace(/^dicomParser\.\w+:\s*/, '').slice(0, 200);
}
