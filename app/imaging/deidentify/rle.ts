// DICOM RLE Lossless (PS3.5 Annex G): one frame's segments (PackBits, one per byte plane of each
// sample, most significant byte first) decoded to interleaved little-endian samples.
import type { DecodedFrame, FrameLayout } from './codecs.ts';
import { DeidentifyError } from './errors.ts';

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/** PackBits-decodes `input[start, end)` into exactly `count` bytes. */
function unpack(input: Uint8Array, start: number, end: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  let i = start;
  let o = 0;
  while (i < end && o < count) {
    const n = (input[i++]! << 24) >> 24;
    if (n >= 0) {
      const run = Math.min(n + 1, count - o, end - i);
      out.set(input.subarray(i, i + run), o);
      i += n + 1;
      o += run;
    } else if (n !== -128) {
      const run = Math.min(1 - n, count - o);
      out.fill(input[i++]!, o, o + run);
      o += run;
    }
  }
  if (o < count) throw new DeidentifyError('malformed', 'an RLE segment is shorter than the image');
  return out;
}

/** Decodes one RLE frame. */
export function decodeRle(frame: Uint8Array, layout: FrameLayout): DecodedFrame {
  const bytesPerSample = layout.bitsAllocated > 8 ? 2 : 1;
  const pixels = layout.rows * layout.columns;
  const segmentCount = layout.samplesPerPixel * bytesPerSample;
  if (frame.length < 64 || u32(frame, 0) !== segmentCount) throw new DeidentifyError('malformed', 'the RLE header does not match the image');
  const out = new Uint8Array(pixels * segmentCount);
  for (let s = 0; s < segmentCount; s++) {
    const start = u32(frame, 4 + 4 * s);
    const end = s + 1 < segmentCount ? u32(frame, 8 + 4 * s) : frame.length;
    if (start < 64 || end > frame.length || start > end) throw new DeidentifyError('malformed', 'an RLE segment offset is out of range');
    const plane = unpack(frame, start, end, pixels);
    const sample = Math.floor(s / bytesPerSample);
    const byte = bytesPerSample - 1 - (s % bytesPerSample); // segments go most significant byte first
    for (let p = 0; p < pixels; p++) out[(p * layout.samplesPerPixel + sample) * bytesPerSample + byte] = plane[p]!;
  }
  return { bytes: out, bytesPerSample, photometric: layout.photometric };
}
