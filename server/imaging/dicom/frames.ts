// Where each frame of an instance's pixel data lies in its bytes: worked out once at STOW time (so a
// frame is served by slicing, without parsing the instance again) and read back at WADO time.
import type { DataSet, Element } from 'dicom-parser';
import { z } from 'zod';

/**
 * Native pixel data: frame n (from 0) is `frameBits` bits at `offset` bytes plus n * frameBits bits;
 * `swapBytes` > 1 for explicit VR big endian, whose words are served little endian.
 * Encapsulated: each frame is one or more fragments, as [position, length] pairs in the bytes.
 * Inflate: deflated instances (whole dataset compressed): located again after inflating.
 */
export const frameIndex = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('native'), offset: z.number().int(), frameBits: z.number().int().positive(), count: z.number().int().positive(), swapBytes: z.number().int() }),
  z.object({ kind: z.literal('encapsulated'), frames: z.array(z.array(z.tuple([z.number().int(), z.number().int()]))) }),
  z.object({ kind: z.literal('inflate') }),
]);
export type FrameIndex = z.infer<typeof frameIndex>;

export const deflatedTransferSyntax = '1.2.840.10008.1.2.1.99';
const bigEndianTransferSyntax = '1.2.840.10008.1.2.2';

/** The frame index of a parsed instance, or undefined when it has no pixel data. */
export function locateFrames(dataSet: DataSet, transferSyntaxUid: string, inflated: boolean): FrameIndex | undefined {
  const pixels = dataSet.elements.x7fe00010 ?? dataSet.elements.x7fe00008 ?? dataSet.elements.x7fe00009;
  if (!pixels) return undefined;
  if (transferSyntaxUid === deflatedTransferSyntax && !inflated) return { kind: 'inflate' };
  const count = Math.max(1, dataSet.intString('x00280008') ?? 1);
  if (pixels.encapsulatedPixelData) return { kind: 'encapsulated', frames: encapsulatedFrames(dataSet, pixels, count) };
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const samples = dataSet.uint16('x00280002') ?? 1;
  const bits = dataSet.uint16('x00280100') ?? (pixels.tag === 'x7fe00008' ? 32 : pixels.tag === 'x7fe00009' ? 64 : 0);
  // Native YBR_FULL_422 holds its two chroma samples once per pair of pixels (PS3.3 C.7.6.3.1.2): two samples a pixel.
  const ybr422 = (dataSet.string('x00280004') ?? '').trim() === 'YBR_FULL_422' && samples === 3;
  const frameBits = rows * columns * (ybr422 ? 2 : samples) * bits;
  if (frameBits <= 0) throw new DicomFrameError('The pixel data has no rows, columns or bits allocated.');
  const needed = Math.ceil((frameBits * count) / 8);
  if (needed > pixels.length || pixels.dataOffset + needed > dataSet.byteArray.length) throw new DicomFrameError(`The pixel data holds fewer bytes than ${count} frame(s) need (truncated file?).`);
  const swapBytes = transferSyntaxUid === bigEndianTransferSyntax && bits > 8 ? bits / 8 : 1;
  return { kind: 'native', offset: pixels.dataOffset, frameBits, count, swapBytes };
}

export class DicomFrameError extends Error {}

/** The fragments of each frame: by the basic offset table when there is one, else by where codestreams start. */
function encapsulatedFrames(dataSet: DataSet, pixels: Element, count: number): Array<Array<[number, number]>> {
  const fragments = pixels.fragments ?? [];
  if (fragments.length === 0) throw new DicomFrameError('The encapsulated pixel data holds no fragments.');
  if (fragments.some((f) => f.position + f.length > dataSet.byteArray.length)) throw new DicomFrameError('A pixel data fragment runs past the end of the file (truncated file?).');
  const pairs = fragments.map((f): [number, number] => [f.position, f.length]);
  if (count === 1) return [pairs];
  const table = pixels.basicOffsetTable ?? [];
  if (table.length === count) {
    const starts = table.map((offset) => fragments.findIndex((f) => f.offset === offset));
    if (starts.every((start, i) => start >= 0 && (i === 0 || start > (starts[i - 1] as number)))) {
      return starts.map((start, i) => pairs.slice(start, starts[i + 1] ?? pairs.length));
    }
  }
  if (fragments.length === count) return pairs.map((pair) => [pair]);
  // No usable table and more fragments than frames: a frame starts where a codestream starts.
  const bytes = dataSet.byteArray;
  const startsCodestream = (position: number) =>
    (bytes[position] === 0xff && (bytes[position + 1] === 0xd8 || bytes[position + 1] === 0x4f)) ||
    (bytes[position + 4] === 0x6a && bytes[position + 5] === 0x50 && bytes[position + 6] === 0x20);
  const frames: Array<Array<[number, number]>> = [];
  for (const pair of pairs) {
    if (frames.length === 0 || (startsCodestream(pair[0]) && frames.length < count)) frames.push([pair]);
    else frames[frames.length - 1]?.push(pair);
  }
  if (frames.length !== count) throw new DicomFrameError(`Cannot tell the ${count} frames apart among ${fragments.length} fragments.`);
  return frames;
}

/** The bytes of frame `number` (from 1), or undefined past the last frame. */
export function frameBytes(bytes: Uint8Array, index: Exclude<FrameIndex, { kind: 'inflate' }>, number: number): Buffer | undefined {
  if (index.kind === 'encapsulated') {
    const fragments = index.frames[number - 1];
    if (!fragments) return undefined;
    const parts = fragments.map(([position, length]) => bytes.subarray(position, position + length));
    return parts.length === 1 ? Buffer.from(parts[0] as Uint8Array) : Buffer.concat(parts);
  }
  if (number < 1 || number > index.count) return undefined;
  const startBit = (number - 1) * index.frameBits;
  if (startBit % 8 === 0 && index.frameBits % 8 === 0) {
    const start = index.offset + startBit / 8;
    const frame = bytes.subarray(start, start + index.frameBits / 8);
    return index.swapBytes > 1 ? swapped(frame, index.swapBytes) : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
  }
  // 1-bit frames (segmentations) need not start on a byte: copy bit by bit, least significant first.
  const out = Buffer.alloc(Math.ceil(index.frameBits / 8));
  for (let i = 0; i < index.frameBits; i++) {
    const bit = startBit + i;
    if (((bytes[index.offset + (bit >> 3)] ?? 0) >> (bit & 7)) & 1) out[i >> 3] = (out[i >> 3] ?? 0) | (1 << (i & 7));
  }
  return out;
}

function swapped(frame: Uint8Array, width: number): Buffer {
  const out = Buffer.alloc(frame.length);
  for (let i = 0; i + width <= frame.length; i += width) {
    for (let j = 0; j < width; j++) out[i + j] = frame[i + width - 1 - j] as number;
  }
  return out;
}
