// Shared by the de-identification tests: fixture files, a UID map, Part 10 files built from a dcmjs
// dict, and de-identified output read back.
import { createHash } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { readFile } from 'node:fs/promises';
import dcmjs, { type DcmjsDict } from 'dcmjs';
import dicomParser from 'dicom-parser';
import { deidentify, type DeidentifiedInstance, type DeidentifyOptions, UidMap } from '../../../app/imaging/deidentify/index.ts';
import { concatBytes, part10Header } from '../../../app/imaging/deidentify/part10.ts';
import { sharedDir } from '../../fixtures/shared.ts';

dcmjs.log.setLevel('silent');

export const fixtureDir = new URL('../../fixtures/dicom/', import.meta.url);
const shared = sharedDir();
/** The shared test set beside the repository, when present (extended tests). */
export const sharedDicomDir = shared ? new URL('dicom/', shared) : undefined;
export const hasShared = sharedDicomDir !== undefined;

export async function fixture(path: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(new URL(path, fixtureDir)));
}

let drawn = 0;
/**
 * A UID map whose new UIDs are the same at every run: random ones could, now and then, contain a
 * fragment of an identifying value the residue checks look for (e.g. "6789" in 2.25.<39 digits>).
 */
export const newUidMap = () =>
  new UidMap((count) => {
    const bytes = new Uint8Array(count);
    for (let at = 0; at < count; at += 32) bytes.set(createHash('sha256').update(`test uid ${drawn++}`).digest().subarray(0, count - at), at);
    return bytes;
  });

export const baseOptions = (uidMap = newUidMap()): DeidentifyOptions => ({ nickname: 'Blue Falcon 42', pseudonymousId: 'PSN-7F3K9', uidMap });

/** De-identifies and insists the instance was not held. */
export async function deidentified(bytes: Uint8Array, options: Partial<DeidentifyOptions> = {}): Promise<DeidentifiedInstance> {
  const result = await deidentify(bytes, { ...baseOptions(), ...options });
  if (result.status !== 'deidentified') throw new Error(`held for redaction: ${result.reason}`);
  return result;
}

/** Reads a Part 10 file with dcmjs (meta and dataset). */
export function parse(bytes: Uint8Array): { meta: DcmjsDict; dict: DcmjsDict } {
  const parsed = dcmjs.data.DicomMessage.readFile(bytes.slice().buffer);
  return { meta: parsed.meta, dict: parsed.dict };
}

/** Reads a Part 10 file with dicom-parser (an independent reader), deflated datasets included. */
export function parseWithDicomParser(bytes: Uint8Array): dicomParser.DataSet {
  return dicomParser.parseDicom(bytes, {
    inflater: (file: Uint8Array, position: number) => {
      const inflated = inflateRawSync(file.subarray(position));
      const out = new Uint8Array(position + inflated.length);
      out.set(file.subarray(0, position));
      out.set(inflated, position);
      return out;
    },
  } as dicomParser.ParseDicomOptions);
}

/** Byte-for-byte equality, without a slow element-wise diff of large arrays. */
export function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  return a !== undefined && b !== undefined && Buffer.compare(a, b) === 0;
}

/** A Part 10 file (explicit VR little endian unless told) holding `dict`. */
export function part10(dict: DcmjsDict, transferSyntax = '1.2.840.10008.1.2.1'): Uint8Array {
  const stream = new dcmjs.data.WriteBufferStream(4096, true);
  dcmjs.data.DicomMessage.write(dict, stream, transferSyntax === '1.2.840.10008.1.2.1.99' ? '1.2.840.10008.1.2.1' : transferSyntax, { allowInvalidVRLength: true });
  const sopClassUid = String(dict['00080016']?.Value?.[0] ?? '1.2.840.10008.5.1.4.1.1.2');
  const sopInstanceUid = String(dict['00080018']?.Value?.[0] ?? '1.2.3.4');
  const body = new Uint8Array(stream.getBuffer());
  return concatBytes([part10Header({ sopClassUid, sopInstanceUid, transferSyntax }), transferSyntax === '1.2.840.10008.1.2.1.99' ? new Uint8Array(deflateRawSync(body)) : body]);
}

/** A minimal CT instance without pixels: the attributes every test dataset starts from. */
export function baseDataset(): DcmjsDict {
  return {
    '00080016': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] },
    '00080018': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1143.1.1'] },
    '00080060': { vr: 'CS', Value: ['CT'] },
    '0020000D': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1143.1.2'] },
    '0020000E': { vr: 'UI', Value: ['1.2.826.0.1.3680043.2.1143.1.3'] },
  };
}

/** Every string in a dataset at any depth, as `path = value` (PN components included). */
export function allStrings(dict: DcmjsDict, path = ''): string[] {
  const out: string[] = [];
  for (const [tag, element] of Object.entries(dict)) {
    (element.Value ?? []).forEach((value, index) => {
      if (typeof value === 'string') out.push(`${path}${tag} = ${value}`);
      else if (element.vr === 'SQ') out.push(...allStrings(value as DcmjsDict, `${path}${tag}[${index}]/`));
      else if (element.vr === 'PN' && value && typeof value === 'object') out.push(`${path}${tag} = ${Object.values(value).join('=')}`);
    });
  }
  return out;
}

/** Every tag at any depth of a dataset. */
export function allTags(dict: DcmjsDict): string[] {
  return Object.entries(dict).flatMap(([tag, element]) => [tag, ...(element.vr === 'SQ' ? (element.Value ?? []).flatMap((item) => allTags(item as DcmjsDict)) : [])]);
}

export { concatBytes };
