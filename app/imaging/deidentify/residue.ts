// Looks for traces of identifying values in a (de-identified) DICOM file: in every string value at
// any depth of sequences, and in the raw bytes outside Pixel Data. Used by tests, the server and
// the end-to-end tests to prove nothing identifying got through.
import type { DcmjsDict } from 'dcmjs';
import { parseHeader } from './deidentify.ts';
import { scanPart10 } from './scan.ts';

/** One trace: which of the given values (by index) was found, and where. */
export interface ResidueFinding {
  /** Index of the identifying value in the list given to findResidue. */
  readonly value: number;
  /** The part of that value that was found (the whole value or one of its words). */
  readonly part: string;
  /** `attribute`: in a string value, at `path` (tags and item indexes); `bytes`: in the raw bytes at `offset`. */
  readonly where: 'attribute' | 'bytes';
  readonly path?: string;
  readonly offset?: number;
}

export interface ResidueOptions {
  /** Shortest word of a value looked for on its own, as a whole word, in attribute values (default 3). */
  readonly minWordLength?: number;
  /** Shortest word looked for in the raw bytes, where short words match by chance (default 4). */
  readonly minBytesWordLength?: number;
}

function utf8(text: string): Uint8Array {
  const out: number[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x80) out.push(code);
    else if (code < 0x800) out.push(0xc0 | (code >> 6), 0x80 | (code & 63));
    else if (code < 0x10000) out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
    else out.push(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 63), 0x80 | ((code >> 6) & 63), 0x80 | (code & 63));
  }
  return new Uint8Array(out);
}

const lower = (byte: number) => (byte >= 0x41 && byte <= 0x5a ? byte + 32 : byte);

/** Offset of `needle` in `haystack[start, end)`, ignoring ASCII case, or -1. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, start: number, end: number): number {
  const first = lower(needle[0]!);
  outer: for (let i = start; i + needle.length <= end; i++) {
    if (lower(haystack[i]!) !== first) continue;
    for (let j = 1; j < needle.length; j++) if (lower(haystack[i + j]!) !== lower(needle[j]!)) continue outer;
    return i;
  }
  return -1;
}

const separators = /[\s^=\\,;:/()._-]+/;
const wordsOf = (text: string) => text.toLowerCase().split(separators).filter(Boolean);

/** The value itself and its words (split at PN component separators, spaces and punctuation). */
function partsOf(value: string, minWord: number): string[] {
  const whole = value.trim();
  const words = whole.split(separators).filter((word) => word.length >= minWord);
  return [...new Set([whole, ...words])].filter((part) => part.length > 0);
}

function stringsOf(dict: DcmjsDict, path: string, out: { path: string; text: string }[]): void {
  for (const [tag, element] of Object.entries(dict)) {
    const here = path ? `${path}/${tag}` : tag;
    (element.Value ?? []).forEach((value, index) => {
      if (typeof value === 'string') out.push({ path: here, text: value });
      else if (typeof value === 'object' && value !== null && !(value instanceof ArrayBuffer) && !ArrayBuffer.isView(value)) {
        if (element.vr === 'SQ') stringsOf(value as DcmjsDict, `${here}[${index}]`, out);
        else for (const text of Object.values(value)) if (typeof text === 'string') out.push({ path: here, text });
      }
    });
  }
}

/**
 * Every trace of the identifying values in the file. An empty list means none was found. The file
 * must be readable DICOM (it throws DeidentifyError otherwise).
 */
export function findResidue(input: Uint8Array | ArrayBuffer, identifying: readonly string[], options: ResidueOptions = {}): ResidueFinding[] {
  const file = input instanceof Uint8Array ? input : new Uint8Array(input);
  const minWord = options.minWordLength ?? 3;
  const minBytesWord = options.minBytesWordLength ?? 4;
  const scanned = scanPart10(file, Number.MAX_SAFE_INTEGER);
  // Attributes before Pixel Data, read as de-identification reads them (the raw search covers the rest).
  const strings: { path: string; text: string }[] = [];
  stringsOf(parseHeader(scanned, () => true), '', strings);
  const findings: ResidueFinding[] = [];
  identifying.forEach((value, index) => {
    for (const part of partsOf(value, minWord)) {
      // The whole value anywhere in a string; a word of it only as a whole word (so "Abd" does not match "ABDOMINAL").
      const needle = part.toLowerCase();
      const whole = part === value.trim();
      for (const { path, text } of strings) {
        if (whole ? text.toLowerCase().includes(needle) : wordsOf(text).includes(needle)) findings.push({ value: index, part, where: 'attribute', path });
      }
      if (part !== value.trim() && part.length < minBytesWord) continue;
      const bytes = utf8(part);
      // Raw bytes: the file meta, then the dataset (inflated if it was deflated) outside the Pixel Data value.
      for (let at = indexOfBytes(file, bytes, 0, scanned.datasetOffset); at >= 0; at = indexOfBytes(file, bytes, at + 1, scanned.datasetOffset)) {
        findings.push({ value: index, part, where: 'bytes', offset: at });
      }
      const pixel = scanned.pixelData;
      const ranges: [number, number][] = pixel ? [[0, pixel.valueStart], [pixel.end, scanned.body.length]] : [[0, scanned.body.length]];
      for (const [start, end] of ranges) {
        for (let at = indexOfBytes(scanned.body, bytes, start, end); at >= 0; at = indexOfBytes(scanned.body, bytes, at + 1, end)) {
          findings.push({ value: index, part, where: 'bytes', offset: scanned.datasetOffset + at });
        }
      }
    }
  });
  return findings;
}
