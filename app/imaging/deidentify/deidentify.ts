// De-identifies one DICOM instance: bytes in, bytes out. Structure checked by scanPart10, attributes
// parsed and written by dcmjs (Pixel Data excepted: its bytes are carried over untouched), the
// profile applied by cleanDataset, and the de-identification recorded in the instance (PS3.15 E.1.1).
import dcmjs, { type DcmjsDict } from 'dcmjs';
import pako from 'pako';
import { z } from 'zod';
import { type CleanContext, cleanDataset, removedByTag, standardVr } from './apply.ts';
import { type RedactionReason, redactionReason } from './burned-in.ts';
import type { DatePolicy } from './dates.ts';
import { DeidentifyError } from './errors.ts';
import { concatBytes, part10Header } from './part10.ts';
import { compileProfile, type CompiledProfile, type SupportedOption } from './profile.ts';
import { profileEdition } from './profile-table.ts';
import { type CodecLocator, redactPixels } from './redact.ts';
import { type ScannedElement, type ScannedFile, scanPart10 } from './scan.ts';
import { datasetSyntax, transferSyntaxes } from './transfer-syntax.ts';
import { UidMap } from './uids.ts';

/** A rectangle to black out, in pixel coordinates of the image; on every frame unless `frame` (0-based) is given. */
export interface Mask {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly frame?: number;
}

export interface DeidentifyOptions {
  /** The patient's nickname: becomes Patient's Name (0010,0010). */
  readonly nickname: string;
  /** The patient's pseudonymous id: becomes Patient ID (0010,0020). */
  readonly pseudonymousId: string;
  /** `yearMonth` (default): Retain Longitudinal Temporal Information with Modified Dates; `remove`: Basic Profile. */
  readonly dates?: DatePolicy;
  /** Retain Patient Characteristics Option (sex, age, size, weight...); off by default. */
  readonly retainPatientCharacteristics?: boolean;
  /** One map per import, so that UIDs are replaced the same way in every file. */
  readonly uidMap: UidMap;
  /**
   * The user's review of burned-in text: rectangles to black out (an empty list: reviewed, nothing to
   * mask). Without it, an instance that may carry burned-in text is held (`status: 'held'`).
   */
  readonly masks?: readonly Mask[];
  /** Files larger than this are refused (`too_large`); default 1 GiB. */
  readonly maxBytes?: number;
  /** Where the codecs' WebAssembly files are, in a browser bundle (Node finds them itself). */
  readonly locateCodec?: CodecLocator;
}

interface InstanceUids {
  readonly sopClassUid: string;
  /** The new SOP Instance UID (also in the file meta). */
  readonly sopInstanceUid: string;
  readonly studyInstanceUid?: string;
  readonly seriesInstanceUid?: string;
}

export interface DeidentifiedInstance extends InstanceUids {
  readonly status: 'deidentified';
  /** The de-identified DICOM Part 10 file. */
  readonly bytes: Uint8Array;
  readonly transferSyntax: string;
  /** True when masks were written into the pixels (which are then uncompressed, explicit VR little endian). */
  readonly pixelsRedacted: boolean;
  /** Structural repairs made to read the input (e.g. a wrong file meta group length). */
  readonly repairs: readonly string[];
}

export interface HeldInstance extends InstanceUids {
  readonly status: 'held';
  readonly reason: RedactionReason;
  /** The image's size, for drawing masks: rows, columns and frames. */
  readonly rows?: number;
  readonly columns?: number;
  readonly frames: number;
}

export type DeidentifyResult = DeidentifiedInstance | HeldInstance;

// dcmjs reports odd files on the console, quoting their bytes (its validation logger keeps its own level).
dcmjs.log.setLevel('silent');
dcmjs.log.getLogger('validation.dcmjs').setLevel('silent');

const safeText = (label: string) =>
  z.string().trim().min(1, `${label} is empty`).max(64, `${label} is longer than 64 characters`)
    .refine((text) => ![...text].some((char) => char === '\\' || char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f), `${label} has a backslash or a control character`);

const maskSchema = z.object({
  x: z.number().int().min(0),
  y: z.number().int().min(0),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  frame: z.number().int().min(0).optional(),
}).strict();

const optionsSchema = z.object({
  nickname: safeText('nickname'),
  pseudonymousId: safeText('pseudonymous id'),
  dates: z.enum(['yearMonth', 'remove']).default('yearMonth'),
  retainPatientCharacteristics: z.boolean().default(false),
  uidMap: z.instanceof(UidMap),
  masks: z.array(maskSchema).optional(),
  maxBytes: z.number().int().positive().default(1024 ** 3),
  locateCodec: z.function().optional(),
});

const profiles = new Map<string, CompiledProfile>();
function profileFor(options: ReadonlySet<SupportedOption>): CompiledProfile {
  const key = [...options].sort().join(',');
  let profile = profiles.get(key);
  if (!profile) profiles.set(key, (profile = compileProfile(options)));
  return profile;
}

function firstString(dict: DcmjsDict, tag: string): string | undefined {
  const value = dict[tag]?.Value?.[0];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The kept top-level elements (before Pixel Data) as a small Part 10 file dcmjs can read. */
function headerFile(scanned: ScannedFile, keep: (tag: string) => boolean): ArrayBuffer {
  const parts: Uint8Array[] = [part10Header({ sopClassUid: '1.2', sopInstanceUid: '1.2', transferSyntax: datasetSyntax(scanned.transferSyntax) })];
  for (const element of scanned.elements) {
    if (keep(element.tag)) parts.push(scanned.body.subarray(element.start, element.end));
  }
  return concatBytes(parts).buffer as ArrayBuffer;
}

/** The attributes before Pixel Data that `keep` accepts, parsed by dcmjs (whose failures become `malformed`). */
export function parseHeader(scanned: ScannedFile, keep: (tag: string) => boolean): DcmjsDict {
  try {
    return dcmjs.data.DicomMessage.readFile(headerFile(scanned, keep), { ignoreErrors: false, untilTag: null, includeUntilTagValue: false, noCopy: true, forceStoreRaw: false }).dict;
  } catch (error) {
    throw new DeidentifyError('malformed', `attributes cannot be read (${error instanceof Error ? error.message.slice(0, 120) : 'unknown error'})`);
  }
}

function mappedUids(dict: DcmjsDict, uids: UidMap): InstanceUids {
  const sopClassUid = firstString(dict, '00080016');
  const sopInstanceUid = firstString(dict, '00080018');
  if (!sopClassUid || !sopInstanceUid) throw new DeidentifyError('malformed', 'the instance has no SOP Class UID or SOP Instance UID');
  const study = firstString(dict, '0020000D');
  const series = firstString(dict, '0020000E');
  return {
    sopClassUid,
    sopInstanceUid: uids.replace(sopInstanceUid),
    studyInstanceUid: study === undefined ? undefined : uids.replace(study),
    seriesInstanceUid: series === undefined ? undefined : uids.replace(series),
  };
}

function numberAt(dict: DcmjsDict, tag: string): number | undefined {
  const value = Number(dict[tag]?.Value?.[0]);
  return Number.isInteger(value) && value > 0 ? value : undefined;
}

const code = (value: string, meaning: string): DcmjsDict => ({
  '00080100': { vr: 'SH', Value: [value] },
  '00080102': { vr: 'SH', Value: ['DCM'] },
  '00080104': { vr: 'LO', Value: [meaning] },
});

/** Patient Identity Removed, De-identification Method (text and codes, CID 7050) and Longitudinal Temporal Information Modified. */
function recordDeidentification(dict: DcmjsDict, dates: DatePolicy, retainPatientCharacteristics: boolean, pixelsCleaned: boolean): void {
  const methods: [string, string][] = [['113100', 'Basic Application Confidentiality Profile']];
  if (pixelsCleaned) methods.push(['113101', 'Clean Pixel Data Option']);
  if (dates === 'yearMonth') methods.push(['113107', 'Retain Longitudinal Temporal Information Modified Dates Option']);
  if (retainPatientCharacteristics) methods.push(['113108', 'Retain Patient Characteristics Option']);
  dict['00080005'] = { vr: 'CS', Value: ['ISO_IR 192'] };
  dict['00120062'] = { vr: 'CS', Value: ['YES'] };
  dict['00120063'] = { vr: 'LO', Value: [`Consilium, PS3.15 ${profileEdition}`, ...methods.map(([, meaning]) => meaning.replace(/ Option$/, '').slice(0, 64))] };
  dict['00120064'] = { vr: 'SQ', Value: methods.map(([value, meaning]) => code(value, meaning)) };
  dict['00280303'] = { vr: 'CS', Value: [dates === 'yearMonth' ? 'MODIFIED' : 'REMOVED'] };
  if (pixelsCleaned) dict['00280301'] = { vr: 'CS', Value: ['NO'] };
}

/** Attributes read even when kept as they are: the hold rule, the SOP class and the character set need them. */
const alwaysParsed = new Set(['00080005', '00080008', '00080016', '00080060', '00100010', '00100020', '00120062', '00120063', '00120064', '00280008', '00280010', '00280011', '00280301', '00280303']);
const textVrs = new Set(['LO', 'LT', 'PN', 'SH', 'ST', 'UC', 'UT']);
const asciiCompatible = new Set(['', 'ISO_IR 6', 'ISO 2022 IR 6', 'ISO_IR 192']);

/** Whether the dataset's text is ASCII or UTF-8, so kept text can be copied under the UTF-8 character set written out. */
function textIsUtf8Compatible(scanned: ScannedFile): boolean {
  const element = scanned.elements.find((candidate) => candidate.tag === '00080005');
  if (!element) return true;
  const value = String.fromCharCode(...scanned.body.subarray(element.start + 8, element.end));
  return value.split('\\').every((term) => asciiCompatible.has(term.trim()));
}

/**
 * Top-level attributes copied byte for byte: not in the table, known to the dictionary, not a
 * sequence, date or time, and text only when the character set allows. The rest is parsed and cleaned.
 */
function keptAsIs(element: ScannedElement, context: CleanContext, utf8Text: boolean): boolean {
  const { tag } = element;
  if (alwaysParsed.has(tag) || context.profile.ruleFor(tag) || removedByTag(tag, context)) return false;
  const vr = element.vr ?? standardVr(tag);
  if (vr === undefined || element.undefinedLength || ['SQ', 'UN', 'DA', 'DT', 'TM', 'ox', 'xs', 'lt'].includes(vr)) return false;
  return utf8Text || !textVrs.has(vr);
}

/** Each attribute of `dict` encoded on its own, with its tag, so that they can be merged with the kept ones. */
function writeElements(dict: DcmjsDict, syntax: string): { tag: string; bytes: Uint8Array }[] {
  const tags = Object.keys(dict).filter((tag) => tag < '7FE00010').sort();
  const stream = new dcmjs.data.WriteBufferStream(16 * 1024, true);
  const bounds: number[] = [];
  for (const tag of tags) {
    dcmjs.data.DicomMessage.write({ [tag]: dict[tag]! }, stream, syntax, { allowInvalidVRLength: true });
    bounds.push(stream.size);
  }
  const buffer = new Uint8Array(stream.getBuffer());
  return tags.map((tag, i) => ({ tag, bytes: buffer.subarray(i === 0 ? 0 : bounds[i - 1], bounds[i]) }));
}

/**
 * De-identifies one instance by the Basic Application Level Confidentiality Profile with the chosen
 * options. Throws DeidentifyError for files it cannot read and for bad options or masks.
 */
export async function deidentify(input: Uint8Array | ArrayBuffer, options: DeidentifyOptions): Promise<DeidentifyResult> {
  const parsedOptions = optionsSchema.safeParse(options);
  if (!parsedOptions.success) throw new DeidentifyError('invalid_options', parsedOptions.error.issues.map((issue) => issue.message).join('; '));
  const { nickname, pseudonymousId, dates, retainPatientCharacteristics, uidMap, masks, maxBytes } = parsedOptions.data;
  const bytes = input instanceof Uint8Array ? input : new Uint8Array(input);
  const scanned = scanPart10(bytes, maxBytes);
  const chosen = new Set<SupportedOption>();
  if (dates === 'yearMonth') chosen.add('retainLongitudinalModifiedDates');
  if (retainPatientCharacteristics) chosen.add('retainPatientCharacteristics');
  const context: CleanContext = { profile: profileFor(chosen), dates, uids: uidMap, patientName: nickname, patientId: pseudonymousId };
  const redacting = masks !== undefined && masks.length > 0 && scanned.pixelData !== undefined;
  const utf8Text = textIsUtf8Compatible(scanned);
  // Redaction rewrites image attributes, so then everything is parsed.
  const asIs = redacting ? [] : scanned.elements.filter((element) => keptAsIs(element, context, utf8Text));
  const asIsTags = new Set(asIs.map((element) => element.tag));
  const dict = parseHeader(scanned, (tag) => !asIsTags.has(tag) && !removedByTag(tag, context));
  const reason = masks === undefined && scanned.pixelData ? redactionReason(dict) : undefined;
  const uids = mappedUids(dict, uidMap);
  if (reason) return { status: 'held', reason, ...uids, rows: numberAt(dict, '00280010'), columns: numberAt(dict, '00280011'), frames: numberAt(dict, '00280008') ?? 1 };

  let transferSyntax = scanned.transferSyntax;
  let pixelElement = scanned.pixelData ? scanned.body.subarray(scanned.pixelData.start, scanned.pixelData.end) : new Uint8Array(0);
  if (redacting) {
    const redacted = await redactPixels(scanned, dict, masks, options.locateCodec);
    pixelElement = redacted.pixelElement;
    transferSyntax = transferSyntaxes.explicitLittle;
  }
  cleanDataset(dict, context);
  // The pseudonym stands in for the patient even where the file had no name or id (both Type 2).
  dict['00100010'] = { vr: 'PN', Value: [{ Alphabetic: nickname }] };
  dict['00100020'] = { vr: 'LO', Value: [pseudonymousId] };
  recordDeidentification(dict, dates, retainPatientCharacteristics, masks !== undefined && scanned.pixelData !== undefined);
  const elements = [...asIs.map((element) => ({ tag: element.tag, bytes: scanned.body.subarray(element.start, element.end) })), ...writeElements(dict, datasetSyntax(transferSyntax))];
  elements.sort((a, b) => (a.tag < b.tag ? -1 : 1));
  let body = [...elements.map((element) => element.bytes), pixelElement];
  if (transferSyntax === transferSyntaxes.deflatedExplicitLittle) body = [pako.deflateRaw(concatBytes(body))];
  const header = part10Header({ sopClassUid: uids.sopClassUid, sopInstanceUid: uids.sopInstanceUid, transferSyntax });
  return { status: 'deidentified', bytes: concatBytes([header, ...body]), transferSyntax, pixelsRedacted: redacting, repairs: scanned.repairs, ...uids };
}
