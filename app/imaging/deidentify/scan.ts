// Reads the structure of a DICOM Part 10 file without decoding values: the file meta, the transfer
// syntax and the byte range of every top-level element, checking every length against the bytes
// there are. Bad files stop here with a DeidentifyError, before any decoder sees them.
import pako from 'pako';
import { DeidentifyError } from './errors.ts';
import { isKnownTransferSyntax, transferSyntaxes } from './transfer-syntax.ts';

/** One top-level element: tag as `GGGGEEEE` and its bytes `[start, end)` in `body`, header included. */
export interface ScannedElement {
  readonly tag: string;
  readonly start: number;
  readonly end: number;
  /** The VR written in the file (explicit VR syntaxes only). */
  readonly vr?: string;
  /** True for a value of undefined length (a sequence). */
  readonly undefinedLength?: boolean;
}

export interface ScannedFile {
  /** The transfer syntax of the file (as written, or sniffed when the meta has none). */
  readonly transferSyntax: string;
  /** Where the dataset starts in the file (the end of the file meta). */
  readonly datasetOffset: number;
  /** The dataset's bytes (inflated for Deflated Explicit VR Little Endian). */
  readonly body: Uint8Array;
  readonly littleEndian: boolean;
  readonly explicitVr: boolean;
  /** Top-level elements before Pixel Data, in file order; stray items are left out. */
  readonly elements: readonly ScannedElement[];
  /** Top-level Pixel Data (7FE0,0010), if any; `encapsulated` when its length is undefined. */
  readonly pixelData?: ScannedElement & { readonly valueStart: number; readonly encapsulated: boolean };
  /** How many top-level elements follow Pixel Data (they are dropped). */
  readonly trailingElements: number;
  /** Repairs made to read the file (each one a short phrase, never a value). */
  readonly repairs: readonly string[];
}

const undefinedLength = 0xffffffff;
const maxDepth = 32;
const validVrs = new Set(['AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FD', 'FL', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US', 'UT', 'UV']);
const longVrs = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);

const hex4 = (n: number) => n.toString(16).toUpperCase().padStart(4, '0');
const ascii = (bytes: Uint8Array, start: number, end: number): string => String.fromCharCode(...bytes.subarray(start, end));

/** Reads a Part 10 file's structure; throws DeidentifyError for anything it cannot read safely. */
export function scanPart10(file: Uint8Array, maxBytes: number): ScannedFile {
  if (file.length > maxBytes) throw new DeidentifyError('too_large', `${file.length} bytes, more than the limit of ${maxBytes}`);
  if (file.length < 132 || ascii(file, 128, 132) !== 'DICM') throw new DeidentifyError('not_dicom', 'no DICOM Part 10 header (128-byte preamble and "DICM")');
  const repairs: string[] = [];
  const meta = readMeta(file, repairs);
  let transferSyntax = meta.transferSyntax;
  let body = file.subarray(meta.end);
  if (transferSyntax === undefined) {
    transferSyntax = sniffUncompressed(body);
    repairs.push('transfer syntax missing from the file meta; read as ' + transferSyntax);
  } else if (!isKnownTransferSyntax(transferSyntax)) {
    throw new DeidentifyError('unsupported_transfer_syntax', `transfer syntax ${transferSyntax} is not one this workstation reads`);
  }
  if (transferSyntax === transferSyntaxes.deflatedExplicitLittle) body = inflate(body);
  const littleEndian = transferSyntax !== transferSyntaxes.explicitBig;
  const explicitVr = transferSyntax !== transferSyntaxes.implicitLittle;
  const reader = new Reader(body, littleEndian, explicitVr);
  const elements: ScannedElement[] = [];
  let pixelData: ScannedFile['pixelData'];
  let trailingElements = 0;
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 8 && body.subarray(offset).every((b) => b === 0)) {
      repairs.push('trailing zero padding ignored');
      break;
    }
    const element = reader.element(offset, 0);
    if (element.tag === 'FFFEE000') {
      repairs.push('stray item outside any sequence left out');
    } else if (pixelData) {
      trailingElements++;
    } else if (element.tag === '7FE00010') {
      pixelData = { tag: element.tag, start: offset, end: element.end, valueStart: element.valueStart, encapsulated: element.undefinedLength };
    } else {
      if (element.tag.startsWith('FFFE')) throw new DeidentifyError('malformed', `delimiter ${element.tag} outside any sequence at byte ${offset}`);
      elements.push({ tag: element.tag, start: offset, end: element.end, vr: element.vr, undefinedLength: element.undefinedLength });
    }
    offset = element.end;
  }
  return { transferSyntax, datasetOffset: meta.end, body, littleEndian, explicitVr, elements, pixelData, trailingElements, repairs };
}

interface MetaInfo {
  transferSyntax?: string;
  end: number;
}

/** File meta (group 0002, explicit VR little endian). A wrong group length is repaired by reading to the group's end. */
function readMeta(file: Uint8Array, repairs: string[]): MetaInfo {
  const reader = new Reader(file, true, true);
  let offset = 132;
  let declaredEnd: number | undefined;
  let transferSyntax: string | undefined;
  while (offset + 4 <= file.length && reader.u16(offset) === 0x0002) {
    const element = reader.element(offset, 0);
    const value = file.subarray(element.valueStart, element.end);
    if (element.tag === '00020000' && value.length === 4) declaredEnd = element.end + reader.u32(element.valueStart);
    if (element.tag === '00020010') transferSyntax = ascii(value, 0, value.length).replace(/[\0 ]+$/, '') || undefined;
    offset = element.end;
  }
  if (offset === 132) throw new DeidentifyError('malformed', 'the file meta information (group 0002) is missing');
  if (declaredEnd !== undefined && declaredEnd !== offset) repairs.push('file meta group length corrected');
  return { transferSyntax, end: offset };
}

/** Without a transfer syntax: explicit VR if the first element carries a valid VR, else implicit (both little endian). */
function sniffUncompressed(body: Uint8Array): string {
  if (body.length < 8) throw new DeidentifyError('truncated', 'the file ends right after its meta information');
  return validVrs.has(ascii(body, 4, 6)) ? transferSyntaxes.explicitLittle : transferSyntaxes.implicitLittle;
}

function inflate(deflated: Uint8Array): Uint8Array {
  let inflated: Uint8Array | undefined;
  try {
    inflated = pako.inflateRaw(deflated) as Uint8Array | undefined;
  } catch {
    throw new DeidentifyError('malformed', 'the compressed (deflated) dataset cannot be decompressed');
  }
  // pako answers nothing (rather than throwing) for a stream that stops early.
  if (!inflated) throw new DeidentifyError('truncated', 'the compressed (deflated) dataset ends early');
  return inflated;
}

interface ReadElement {
  tag: string;
  vr?: string;
  valueStart: number;
  end: number;
  undefinedLength: boolean;
}

/** Walks elements, items and delimiters with bounds checks; knows nothing of values. */
class Reader {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly littleEndian: boolean,
    private readonly explicitVr: boolean,
  ) {}

  u16(at: number): number {
    const b = this.bytes;
    return this.littleEndian ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
  }

  u32(at: number): number {
    const b = this.bytes;
    return this.littleEndian
      ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
      : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
  }

  private need(at: number, count: number, what: string): void {
    if (at + count > this.bytes.length) throw new DeidentifyError('truncated', `the file ends inside ${what} at byte ${at}`);
  }

  /** The element (or item/delimiter) starting at `at`, with where it ends. */
  element(at: number, depth: number): ReadElement {
    if (depth > maxDepth) throw new DeidentifyError('malformed', `sequences nested deeper than ${maxDepth} levels`);
    this.need(at, 8, 'an element header');
    const group = this.u16(at);
    const tag = hex4(group) + hex4(this.u16(at + 2));
    if (group === 0xfffe) {
      const length = this.u32(at + 4);
      if (tag !== 'FFFEE000') return { tag, valueStart: at + 8, end: at + 8, undefinedLength: false };
      if (length === undefinedLength) return { tag, valueStart: at + 8, end: this.itemContent(at + 8, depth + 1), undefinedLength: true };
      return this.defined(tag, at + 8, length, false);
    }
    let vr: string | undefined;
    let valueStart: number;
    let length: number;
    if (this.explicitVr) {
      vr = ascii(this.bytes, at + 4, at + 6);
      if (!validVrs.has(vr)) throw new DeidentifyError('malformed', `element (${tag.slice(0, 4)},${tag.slice(4)}) at byte ${at} has an invalid value representation`);
      if (longVrs.has(vr)) {
        this.need(at, 12, 'an element header');
        length = this.u32(at + 8);
        valueStart = at + 12;
      } else {
        length = this.u16(at + 6);
        valueStart = at + 8;
      }
    } else {
      length = this.u32(at + 4);
      valueStart = at + 8;
    }
    if (length !== undefinedLength) return { ...this.defined(tag, valueStart, length, false), vr };
    if (tag === '7FE00010') {
      if (!this.explicitVr || (vr !== 'OB' && vr !== 'OW')) throw new DeidentifyError('malformed', 'encapsulated pixel data in a dataset that cannot hold it');
      return { tag, valueStart, end: this.fragments(valueStart), undefinedLength: true };
    }
    if (vr !== undefined && vr !== 'SQ' && vr !== 'UN') throw new DeidentifyError('malformed', `element (${tag.slice(0, 4)},${tag.slice(4)}) has undefined length but is not a sequence`);
    return { tag, vr, valueStart, end: this.sequenceContent(valueStart, depth + 1, vr === 'UN'), undefinedLength: true };
  }

  private defined(tag: string, valueStart: number, length: number, undefinedLength: boolean): ReadElement {
    this.need(valueStart, length, `element (${tag.slice(0, 4)},${tag.slice(4)})`);
    return { tag, valueStart, end: valueStart + length, undefinedLength };
  }

  /** Items of an undefined-length sequence, through its delimiter. UN of undefined length holds implicit VR items. */
  private sequenceContent(at: number, depth: number, implicitInside: boolean): number {
    const inner = implicitInside && this.explicitVr ? new Reader(this.bytes, true, false) : this;
    let offset = at;
    for (;;) {
      const item = inner.element(offset, depth);
      if (item.tag === 'FFFEE0DD') return item.end;
      if (item.tag !== 'FFFEE000') throw new DeidentifyError('malformed', `element ${item.tag} where a sequence item was expected at byte ${offset}`);
      offset = item.end;
    }
  }

  /** Elements of an undefined-length item, through its delimiter. */
  private itemContent(at: number, depth: number): number {
    let offset = at;
    for (;;) {
      const element = this.element(offset, depth);
      if (element.tag === 'FFFEE00D') return element.end;
      if (element.tag === 'FFFEE0DD') throw new DeidentifyError('malformed', `sequence delimiter inside an item at byte ${offset}`);
      offset = element.end;
    }
  }

  /** Fragments of encapsulated pixel data, through the sequence delimiter. */
  private fragments(at: number): number {
    let offset = at;
    for (;;) {
      if (offset + 8 > this.bytes.length) throw new DeidentifyError('truncated', 'the compressed image data ends without its closing delimiter; the file is incomplete');
      const tag = hex4(this.u16(offset)) + hex4(this.u16(offset + 2));
      const length = this.u32(offset + 4);
      if (tag === 'FFFEE0DD') return offset + 8;
      if (tag !== 'FFFEE000' || length === undefinedLength) throw new DeidentifyError('malformed', `unexpected ${tag} among the compressed image fragments at byte ${offset}`);
      this.need(offset + 8, length, 'a compressed image fragment');
      offset += 8 + length;
    }
  }
}
