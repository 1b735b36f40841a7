// The picture the user masks burned-in text on: one frame of an instance decoded with the
// de-identification module's codecs and scaled to 8-bit RGBA for a canvas. Stays on the workstation.
import { parseHeader } from '../deidentify/deidentify.ts';
import type { CodecLocator } from '../deidentify/index.ts';
import { redactPixels } from '../deidentify/redact.ts';
import { scanPart10 } from '../deidentify/scan.ts';

export interface ReviewImage {
  readonly rows: number;
  readonly columns: number;
  readonly frames: number;
  /** rows x columns x 4 bytes, ready for ImageData. */
  readonly rgba: Uint8ClampedArray;
}

const numberAt = (dict: Record<string, { Value?: unknown[] } | undefined>, tag: string, fallback: number) => {
  const value = Number(dict[tag]?.Value?.[0]);
  return Number.isFinite(value) ? value : fallback;
};

/**
 * Decodes `frame` (0-based) of an instance for review. Throws DeidentifyError when it cannot be read
 * or its encoding cannot be decoded (then it cannot be masked either).
 */
export async function reviewImage(bytes: Uint8Array, frame: number, locate: CodecLocator | undefined): Promise<ReviewImage> {
  const scanned = scanPart10(bytes, 1024 ** 3);
  const dict = parseHeader(scanned, (tag) => tag < '7FE00010' && parseInt(tag.slice(0, 4), 16) % 2 === 0);
  // No masks: every frame decoded to uncompressed little-endian samples, interleaved, nothing changed.
  const { pixelElement } = await redactPixels(scanned, dict, [], locate);
  const rows = numberAt(dict, '00280010', 0);
  const columns = numberAt(dict, '00280011', 0);
  const frames = numberAt(dict, '00280008', 1);
  const samples = numberAt(dict, '00280002', 1);
  const bytesPerSample = numberAt(dict, '00280100', 8) / 8;
  const signed = numberAt(dict, '00280103', 0) === 1;
  const photometric = String(dict['00280004']?.Value?.[0] ?? '').trim().toUpperCase();
  const frameLength = rows * columns * (photometric === 'YBR_FULL_422' ? 2 : samples) * bytesPerSample;
  const pixels = pixelElement.subarray(12 + frameLength * Math.min(frame, frames - 1));
  const view = new DataView(pixels.buffer, pixels.byteOffset, Math.min(pixels.byteLength, frameLength));
  const sample = (index: number) => (bytesPerSample === 1 ? view.getUint8(index) : signed ? view.getInt16(index * 2, true) : view.getUint16(index * 2, true));
  const rgba = new Uint8ClampedArray(rows * columns * 4);
  if (samples === 1) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < rows * columns; i++) {
      const v = sample(i);
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const scale = max > min ? 255 / (max - min) : 0;
    for (let i = 0; i < rows * columns; i++) {
      let v = (sample(i) - min) * scale;
      if (photometric === 'MONOCHROME1') v = 255 - v;
      rgba.set([v, v, v, 255], i * 4);
    }
  } else if (photometric === 'YBR_FULL_422') {
    for (let pair = 0; pair < (rows * columns) / 2; pair++) {
      const [y1, y2, cb, cr] = [sample(pair * 4), sample(pair * 4 + 1), sample(pair * 4 + 2) - 128, sample(pair * 4 + 3) - 128];
      for (const [k, y] of [[0, y1], [1, y2]] as const) rgba.set([y + 1.402 * cr, y - 0.344136 * cb - 0.714136 * cr, y + 1.772 * cb, 255], (pair * 2 + k) * 4);
    }
  } else {
    const ybr = photometric.startsWith('YBR');
    for (let i = 0; i < rows * columns; i++) {
      const [a, b, c] = [sample(i * 3), sample(i * 3 + 1), sample(i * 3 + 2)];
      rgba.set(ybr ? [a + 1.402 * (c - 128), a - 0.344136 * (b - 128) - 0.714136 * (c - 128), a + 1.772 * (b - 128), 255] : [a, b, c, 255], i * 4);
    }
  }
  return { rows, columns, frames, rgba };
}
