// DICOM JSON (as WADO-RS metadata gives it) of fixture files, read with dcmjs, and small builders.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { DicomJsonDataset } from '../../../app/imaging/dicom-json.ts';

/** The part of dcmjs used here (dcmjs ships no type declarations). */
interface Dcmjs {
  data: { DicomMessage: { readFile(buffer: ArrayBuffer, options: object): { dict: Record<string, unknown> } } };
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;

const fixtures = new URL('../../fixtures/dicom/', import.meta.url);

/** The DICOM JSON of a Part 10 file (pixel data left out, as a metadata answer references it). */
export function metadataOf(bytes: Uint8Array): DicomJsonDataset {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const { dict } = dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: true, untilTag: '7FE00010' });
  delete dict['7FE00010'];
  return dict as DicomJsonDataset;
}

/** The metadata of every file of a fixture folder (e.g. "ct-series"), in file-name order. */
export function folderMetadata(folder: string): DicomJsonDataset[] {
  return readdirSync(new URL(`${folder}/`, fixtures))
    .filter((name) => name.endsWith('.dcm'))
    .sort()
    .map((name) => metadataOf(readFileSync(new URL(`${folder}/${name}`, fixtures))));
}

/** A minimal image instance: a slice at `position` with the given orientation. */
export function slice(sop: string, instanceNumber: number, position: number[], orientation = [1, 0, 0, 0, 1, 0], extra: DicomJsonDataset = {}): DicomJsonDataset {
  return {
    '00080018': { vr: 'UI', Value: [sop] },
    '00200013': { vr: 'IS', Value: [instanceNumber] },
    '00200032': { vr: 'DS', Value: position },
    '00200037': { vr: 'DS', Value: orientation },
    '00280010': { vr: 'US', Value: [64] },
    '00280011': { vr: 'US', Value: [64] },
    ...extra,
  };
}
