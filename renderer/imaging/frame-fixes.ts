// Frames cornerstone's wadors loader would show wrongly, put right in the loader's response hook
// before it reads them: packed 1-bit pixels (it hands the bits to its decoder as bytes; only its
// wadouri loader unpacks them) and uncompressed YBR_FULL_422 (its size check for converting them
// uses the 4:2:0 formula, so it never converts them): converted to bytes and to RGB respectively.
import { boundaryOf, multipartParts } from '../../app/imaging/multipart.ts';
import { unpackBits, ybrFull422ToRgb } from '../../app/imaging/pixels.ts';

type Fix = { kind: 'bits'; pixels: number } | { kind: 'ybr422'; rows: number; columns: number };

/** Frame URL (without `wadors:`) -> what to do with it, for the open study. */
const fixes = new Map<string, Fix>();

const nativeSyntaxes = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.1.99']);

export function fixBinaryFrame(url: string, pixels: number): void {
  fixes.set(url, { kind: 'bits', pixels });
}

export function fixYbr422Frame(url: string, rows: number, columns: number): void {
  fixes.set(url, { kind: 'ybr422', rows, columns });
}

export function clearFrameFixes(): void {
  fixes.clear();
}

const ascii = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

/** The transfer syntax a part's Content-Type names; the standard's default when it names none. */
function transferSyntaxOf(contentType: string): string {
  return /transfer-syntax="?([0-9.]+)/i.exec(contentType)?.[1] ?? '1.2.840.10008.1.2.1';
}

/** The image loader's `beforeProcessing` hook: the response body, fixed if its frame needs it. */
export async function beforeProcessing(xhr: XMLHttpRequest): Promise<ArrayBuffer> {
  const body = xhr.response as ArrayBuffer;
  const fix = fixes.get(xhr.responseURL);
  if (!fix) return body;
  const contentType = xhr.getResponseHeader('Content-Type') ?? '';
  const boundary = boundaryOf(contentType);
  const frame = (boundary ? multipartParts(contentType, new Uint8Array(body))[0] : new Uint8Array(body)) ?? new Uint8Array();
  // Compressed frames decode to whole pixels in the codec: nothing to fix.
  if (!nativeSyntaxes.has(transferSyntaxOf(contentType))) return body;
  const fixed = fix.kind === 'bits' ? unpackBits(frame, fix.pixels) : ybrFull422ToRgb(frame, fix.rows, fix.columns);
  if (!boundary) return fixed.buffer as ArrayBuffer;
  const head = ascii(`--${boundary}\r\nContent-Type: application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1\r\n\r\n`);
  const tail = ascii(`\r\n--${boundary}--\r\n`);
  const out = new Uint8Array(head.length + fixed.length + tail.length);
  out.set(head, 0);
  out.set(fixed, head.length);
  out.set(tail, head.length + fixed.length);
  return out.buffer;
}
