// The DICOM JSON model (PS3.18 Annex F): attributes from the index, whole instance headers (dcmjs,
// which knows every VR and character set) with bulk data as BulkDataURI, and the data dictionary.
import { createRequire } from 'node:module';

/** One attribute in the DICOM JSON model. */
export interface JsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}
/** A dataset in the DICOM JSON model: attributes by 8-digit upper-case hex tag. */
export type JsonDataset = Record<string, JsonAttribute>;

interface DictionaryEntry {
  readonly tag: string;
  readonly vr: string;
  readonly name: string;
}
interface DcmjsEntry {
  vr: string;
  Value?: unknown[];
}
/** The part of dcmjs used here (it ships no types). */
interface Dcmjs {
  log: { setLevel(level: 'silent'): void; getLogger(name: string): { setLevel(level: 'silent'): void } };
  data: {
    DicomMetaDictionary: { nameMap: Record<string, DictionaryEntry>; dictionary: Record<string, DictionaryEntry> };
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: { untilTag?: string; includeUntilTagValue?: boolean; noCopy?: boolean; ignoreErrors?: boolean }): { dict: Record<string, DcmjsEntry>; meta: Record<string, DcmjsEntry> } };
  };
}
const dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;
// dcmjs logs what it finds odd to the console, sometimes quoting values: server logs carry no data.
dcmjs.log.setLevel('silent');
// Its validation logger was made before and keeps its own level (it quotes a file's bytes as "VR types").
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');
const dictionary = dcmjs.data.DicomMetaDictionary;

/** The tag (8 hex digits, upper case) of a keyword or tag as a query may give it, or undefined. */
export function tagOf(keywordOrTag: string): string | undefined {
  if (/^[0-9a-fA-F]{8}$/.test(keywordOrTag)) return keywordOrTag.toUpperCase();
  const entry = dictionary.nameMap[keywordOrTag];
  return entry ? entry.tag.replace(/[(),]/g, '').toUpperCase() : undefined;
}

/** The VR of a tag by the dictionary ('UN' when unknown, e.g. private tags). */
export function vrOf(tag: string): string {
  const entry = dictionary.dictionary[`(${tag.slice(0, 4)},${tag.slice(4)})`];
  return entry?.vr.split('|')[0] ?? 'UN';
}

/** A person name ("Family^Given=Ideographic=Phonetic") as a JSON PN value. */
function personName(value: string): Record<string, string> {
  const [alphabetic = '', ideographic = '', phonetic = ''] = value.split('=');
  const name: Record<string, string> = {};
  if (alphabetic) name.Alphabetic = alphabetic;
  if (ideographic) name.Ideographic = ideographic;
  if (phonetic) name.Phonetic = phonetic;
  return name;
}

/** An attribute from an indexed text value (multiple values separated by backslashes); empty: no Value. */
export function attribute(tag: string, value: string | number | readonly string[] | null | undefined): JsonAttribute {
  const vr = vrOf(tag);
  if (value === null || value === undefined || value === '') return { vr };
  if (typeof value === 'number') return { vr, Value: [value] };
  const values = typeof value === 'string' ? value.split('\\') : [...value];
  if (values.length === 0) return { vr };
  if (vr === 'PN') return { vr, Value: values.map(personName) };
  if (vr === 'IS' || vr === 'DS') return { vr, Value: values.map((v) => (v.trim() === '' ? null : Number(v))) };
  return { vr, Value: values };
}

const binaryVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/**
 * Binary values longer than this are given by BulkDataURI, not inline, at the top level of a
 * header (as Orthanc does): clients that do not need a scanner's private blobs do not download them.
 */
export const bulkDataThreshold = 1024;

/**
 * The header of an instance in the DICOM JSON model: every attribute, short binary values inline
 * (base64), long ones and the pixel data (which is not read: it is large) by `bulkDataUri(tag)`;
 * `pixelDataVr` says whether the instance has pixel data.
 */
export function instanceJson(bytes: Uint8Array, bulkDataUri: (tag: string) => string, pixelDataVr: 'OB' | 'OW' | undefined): JsonDataset {
  const file = readHeader(bytes);
  const dataset = convert(file.dict, bulkDataUri);
  delete dataset['7FE00010'];
  if (pixelDataVr) dataset['7FE00010'] = { vr: pixelDataVr, BulkDataURI: bulkDataUri('7FE00010') };
  const transferSyntax = file.meta['00020010']?.Value?.[0];
  if (typeof transferSyntax === 'string') dataset['00020010'] = { vr: 'UI', Value: [transferSyntax] };
  return sortByTag(dataset);
}

/** The value of a top-level binary attribute that `instanceJson` gives by URI (not the pixel data); undefined for any other tag. */
export function bulkDataValue(bytes: Uint8Array, tag: string): Uint8Array | undefined {
  const entry = Object.entries(readHeader(bytes).dict).find(([rawTag]) => rawTag.toUpperCase() === tag)?.[1];
  if (!entry || !binaryVrs.has(entry.vr)) return undefined;
  const value = binaryBytes(entry.Value ?? []);
  return value.length > bulkDataThreshold ? value : undefined;
}

function readHeader(bytes: Uint8Array) {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return dcmjs.data.DicomMessage.readFile(buffer, { ignoreErrors: true, untilTag: '7FE00010', includeUntilTagValue: false });
}

/** A dcmjs dataset in the JSON model; `bulkDataUri` is given at the top level only (sequence items keep their values inline). */
function convert(dict: Record<string, DcmjsEntry>, bulkDataUri?: (tag: string) => string): JsonDataset {
  const out: JsonDataset = {};
  for (const [rawTag, entry] of Object.entries(dict)) {
    const tag = rawTag.toUpperCase();
    const vr = entry.vr;
    // dcmjs leaves a stub for the tag it stopped at (pixel data); the caller adds that one.
    if (!vr || !Array.isArray(entry.Value ?? [])) continue;
    const values = entry.Value ?? [];
    if (binaryVrs.has(vr)) {
      const bytes = binaryBytes(values);
      if (bulkDataUri && bytes.length > bulkDataThreshold) out[tag] = { vr, BulkDataURI: bulkDataUri(tag) };
      else out[tag] = bytes.length === 0 ? { vr } : { vr, InlineBinary: Buffer.from(bytes).toString('base64') };
      continue;
    }
    if (vr === 'SQ') {
      out[tag] = values.length > 0 ? { vr, Value: values.map((item) => convert(item as Record<string, DcmjsEntry>)) } : { vr };
      continue;
    }
    // SpecificCharacterSet: dcmjs decodes text to Unicode and says so (ISO_IR 192); JSON is Unicode anyway.
    const kept = values.filter((v) => v !== undefined);
    const empty = kept.length === 0 || kept.every((v) => v === '' || v === null || (typeof v === 'object' && v !== null && Object.keys(v).length === 0));
    out[tag] = empty ? { vr } : { vr, Value: kept };
  }
  return out;
}

function binaryBytes(values: unknown[]): Uint8Array {
  const parts = values.flatMap((v) => (v instanceof ArrayBuffer ? [new Uint8Array(v)] : ArrayBuffer.isView(v) ? [new Uint8Array(v.buffer, v.byteOffset, v.byteLength)] : []));
  if (parts.length === 1) return parts[0] as Uint8Array;
  return Buffer.concat(parts);
}

function sortByTag(dataset: JsonDataset): JsonDataset {
  return Object.fromEntries(Object.entries(dataset).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
