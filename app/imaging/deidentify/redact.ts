// Clean Pixel Data (PS3.15 E.3.1): blacks out the user's rectangles in every frame they apply to and
// returns new, uncompressed Pixel Data (explicit VR little endian). Compressed frames are decoded
// first; the image attributes in `dict` are updated to describe the new pixels.
import type { DcmjsDict } from 'dcmjs';
import { type CodecLocator, decodeFrame, type FrameLayout, interleave } from './codecs.ts';
import { DeidentifyError } from './errors.ts';
import type { ScannedFile } from './scan.ts';
import { isEncapsulated, lossyTransferSyntaxes, transferSyntaxes } from './transfer-syntax.ts';

export type { CodecLocator } from './codecs.ts';

interface MaskRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly frame?: number;
}

interface ImageLayout extends FrameLayout {
  readonly frames: number;
  readonly bitsStored: number;
  readonly signed: boolean;
  readonly planar: boolean;
}

function numberOf(dict: DcmjsDict, tag: string, fallback?: number): number {
  const value = dict[tag]?.Value?.[0];
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : fallback;
  if (number === undefined || !Number.isInteger(number) || number < 0) throw new DeidentifyError('malformed', `image attribute ${tag} is missing or not a number`);
  return number;
}

function layoutOf(dict: DcmjsDict): ImageLayout {
  const photometric = String(dict['00280004']?.Value?.[0] ?? '').replace(/[\s\0]+/g, '').toUpperCase();
  const layout = {
    rows: numberOf(dict, '00280010'),
    columns: numberOf(dict, '00280011'),
    samplesPerPixel: numberOf(dict, '00280002', 1),
    bitsAllocated: numberOf(dict, '00280100'),
    bitsStored: numberOf(dict, '00280101', numberOf(dict, '00280100')),
    signed: numberOf(dict, '00280103', 0) === 1,
    planar: numberOf(dict, '00280006', 0) === 1,
    frames: numberOf(dict, '00280008', 1),
    photometric,
  };
  if (layout.rows === 0 || layout.columns === 0 || layout.frames === 0) throw new DeidentifyError('malformed', 'the image has no rows, columns or frames');
  if (![8, 16].includes(layout.bitsAllocated)) throw new DeidentifyError('invalid_masks', `images with ${layout.bitsAllocated} bits allocated cannot be masked`);
  return layout;
}

function checkMasks(masks: readonly MaskRect[], layout: ImageLayout): void {
  for (const mask of masks) {
    if (mask.x + mask.width > layout.columns || mask.y + mask.height > layout.rows) throw new DeidentifyError('invalid_masks', `a mask reaches outside the ${layout.columns}x${layout.rows} image`);
    if (mask.frame !== undefined && mask.frame >= layout.frames) throw new DeidentifyError('invalid_masks', `a mask names frame ${mask.frame + 1} of ${layout.frames}`);
  }
}

/** The blackest value of each sample for this photometric interpretation. */
function fillSamples(photometric: string, layout: ImageLayout): number[] {
  if (photometric.startsWith('YBR')) return [0, 128, 128];
  if (photometric === 'MONOCHROME1') return [layout.signed ? 2 ** (layout.bitsStored - 1) - 1 : 2 ** layout.bitsStored - 1];
  if (photometric === 'MONOCHROME2' && layout.signed) return [-(2 ** (layout.bitsStored - 1))];
  return new Array<number>(layout.samplesPerPixel).fill(0);
}

/** Writes the fill into the masked pixels of one interleaved little-endian frame. */
function maskFrame(frame: Uint8Array, bytesPerSample: number, photometric: string, layout: ImageLayout, masks: readonly MaskRect[]): void {
  const fill = fillSamples(photometric, layout);
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const subsampled = photometric === 'YBR_FULL_422';
  for (const mask of masks) {
    for (let y = mask.y; y < mask.y + mask.height; y++) {
      if (subsampled) {
        // Pairs of pixels share Cb and Cr: Y1 Y2 Cb Cr. Every pair the mask touches goes black.
        for (let pair = Math.floor(mask.x / 2); pair <= Math.floor((mask.x + mask.width - 1) / 2); pair++) frame.set([0, 0, 128, 128], (y * layout.columns + pair * 2) * 2);
        continue;
      }
      for (let x = mask.x; x < mask.x + mask.width; x++) {
        const pixel = (y * layout.columns + x) * layout.samplesPerPixel;
        for (let s = 0; s < layout.samplesPerPixel; s++) {
          const value = fill[s] ?? 0;
          if (bytesPerSample === 1) frame[pixel + s] = value & 0xff;
          else view.setUint16((pixel + s) * 2, value & 0xffff, true);
        }
      }
    }
  }
}

/** Native frames as interleaved little-endian samples. */
function nativeFrames(scanned: ScannedFile, layout: ImageLayout): { frames: Uint8Array[]; bytesPerSample: 1 | 2 } {
  const pixel = scanned.pixelData!;
  const value = scanned.body.subarray(pixel.valueStart, pixel.end);
  const bytesPerSample = layout.bitsAllocated === 16 ? 2 : 1;
  const samples = layout.photometric === 'YBR_FULL_422' ? 2 : layout.samplesPerPixel;
  const frameLength = layout.rows * layout.columns * samples * bytesPerSample;
  if (value.length < frameLength * layout.frames) throw new DeidentifyError('truncated', 'the image data is shorter than its rows, columns and frames require');
  const frames: Uint8Array[] = [];
  for (let f = 0; f < layout.frames; f++) {
    let frame: Uint8Array = value.slice(f * frameLength, (f + 1) * frameLength);
    if (bytesPerSample === 2 && scanned.transferSyntax === transferSyntaxes.explicitBig) {
      for (let i = 0; i < frame.length; i += 2) frame.set([frame[i + 1]!, frame[i]!], i);
    }
    if (layout.planar && layout.samplesPerPixel > 1) frame = interleave(frame, layout.samplesPerPixel, bytesPerSample);
    frames.push(frame);
  }
  return { frames, bytesPerSample };
}

/** The fragments of encapsulated pixel data grouped into frames (Basic Offset Table, one per frame, or by start marker). */
export function encapsulatedFrames(scanned: ScannedFile, frameCount: number): Uint8Array[] {
  const pixel = scanned.pixelData!;
  const body = scanned.body;
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const items: { start: number; end: number }[] = [];
  for (let at = pixel.valueStart; view.getUint16(at + 2, true) !== 0xe0dd; ) {
    const length = view.getUint32(at + 4, true);
    items.push({ start: at + 8, end: at + 8 + length });
    at += 8 + length;
  }
  const [table, ...fragments] = items;
  if (!table || fragments.length === 0) throw new DeidentifyError('malformed', 'the compressed image data has no fragments');
  const join = (group: { start: number; end: number }[]) => {
    const out = new Uint8Array(group.reduce((sum, f) => sum + f.end - f.start, 0));
    let offset = 0;
    for (const f of group) {
      out.set(body.subarray(f.start, f.end), offset);
      offset += f.end - f.start;
    }
    return out;
  };
  if (frameCount === 1) return [join(fragments)];
  if (fragments.length === frameCount) return fragments.map((f) => join([f]));
  const first = fragments[0]!.start - 8;
  let starts: number[];
  if (table.end > table.start) {
    starts = [];
    for (let at = table.start; at < table.end; at += 4) starts.push(first + view.getUint32(at, true));
  } else {
    // Without an offset table, a frame starts at each fragment that begins with a JPEG SOI or a JPEG 2000 SOC marker.
    starts = fragments.filter((f) => body[f.start] === 0xff && (body[f.start + 1] === 0xd8 || body[f.start + 1] === 0x4f)).map((f) => f.start - 8);
  }
  if (starts.length !== frameCount) throw new DeidentifyError('malformed', `the compressed image data holds ${starts.length} frames, its header says ${frameCount}`);
  return starts.map((start, i) => join(fragments.filter((f) => f.start - 8 >= start && (i + 1 === starts.length || f.start - 8 < starts[i + 1]!))));
}

/** Explicit VR little endian Pixel Data element: OB for 8-bit samples, OW for 16-bit. */
function pixelDataElement(frames: readonly Uint8Array[], bytesPerSample: number): Uint8Array {
  const length = frames.reduce((sum, frame) => sum + frame.length, 0);
  const padded = length + (length % 2);
  const out = new Uint8Array(12 + padded);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x7fe0, true);
  view.setUint16(2, 0x0010, true);
  out.set(bytesPerSample === 2 ? [0x4f, 0x57] : [0x4f, 0x42], 4);
  view.setUint32(8, padded, true);
  let offset = 12;
  for (const frame of frames) {
    out.set(frame, offset);
    offset += frame.length;
  }
  return out;
}

/**
 * Masks the pixels: decodes compressed frames, writes the fill into every mask, and describes the
 * result in `dict` (photometric interpretation, planar configuration, lossy compression, no offset tables).
 */
export async function redactPixels(scanned: ScannedFile, dict: DcmjsDict, masks: readonly MaskRect[], locate: CodecLocator | undefined): Promise<{ pixelElement: Uint8Array }> {
  const layout = layoutOf(dict);
  checkMasks(masks, layout);
  let frames: Uint8Array[];
  let bytesPerSample: 1 | 2;
  let photometric = layout.photometric;
  if (isEncapsulated(scanned.transferSyntax)) {
    frames = [];
    bytesPerSample = 1;
    for (const frame of encapsulatedFrames(scanned, layout.frames)) {
      const decoded = await decodeFrame(scanned.transferSyntax, frame, layout, locate);
      frames.push(decoded.bytes);
      bytesPerSample = decoded.bytesPerSample;
      photometric = decoded.photometric;
    }
    if (lossyTransferSyntaxes.has(scanned.transferSyntax)) dict['00282110'] = { vr: 'CS', Value: ['01'] };
  } else {
    ({ frames, bytesPerSample } = nativeFrames(scanned, layout));
  }
  frames.forEach((frame, index) => maskFrame(frame, bytesPerSample, photometric, layout, masks.filter((mask) => mask.frame === undefined || mask.frame === index)));
  dict['00280004'] = { vr: 'CS', Value: [photometric] };
  dict['00280100'] = { vr: 'US', Value: [bytesPerSample * 8] };
  if (layout.samplesPerPixel > 1) dict['00280006'] = { vr: 'US', Value: [0] };
  delete dict['7FE00001'];
  delete dict['7FE00002'];
  return { pixelElement: pixelDataElement(frames, bytesPerSample) };
}
