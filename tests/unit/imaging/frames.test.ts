// Frames are found in the stored bytes as the index says: native (big endian swapped, 1-bit frames
// that do not start on a byte) and encapsulated.
import { expect, test } from 'vitest';
import { frameBytes } from '../../../server/imaging/dicom/frames.ts';
import { parseInstance } from '../../../server/imaging/dicom/instance.ts';
import { fixture } from '../../fixtures/dicom.ts';

test('big endian native pixels come out little endian, equal to the little endian file', () => {
  const little = fixture('transfer-syntax/ct_explicit-vr-le.dcm');
  const big = fixture('transfer-syntax/ct_explicit-vr-be.dcm');
  const [a, b] = [little, big].map((bytes) => {
    const index = parseInstance(bytes).frames;
    if (!index || index.kind === 'inflate') throw new Error('expected native frames');
    return frameBytes(bytes, index, 1);
  });
  expect(a?.length).toBe(512 * 512 * 2);
  expect(b?.equals(a as Buffer)).toBe(true);
});

test('1-bit frames are cut at bit offsets; a frame past the last is undefined', () => {
  const bytes = Buffer.alloc(16);
  bytes.writeUInt16LE(0b1111_0000_1010_0101, 4);
  const index = { kind: 'native' as const, offset: 4, frameBits: 6, count: 2, swapBytes: 1 };
  expect([...(frameBytes(bytes, index, 1) ?? [])]).toEqual([0b10_0101]);
  expect([...(frameBytes(bytes, index, 2) ?? [])]).toEqual([0b00_0010]);
  expect(frameBytes(bytes, index, 3)).toBeUndefined();
});

test('each frame of a multi-frame JPEG instance is its own codestream', () => {
  const bytes = fixture('transfer-syntax/us_jpeg-baseline_30frames.dcm');
  const index = parseInstance(bytes).frames;
  if (!index || index.kind !== 'encapsulated') throw new Error('expected encapsulated frames');
  expect(index.frames).toHaveLength(30);
  for (const n of [1, 15, 30]) {
    const frame = frameBytes(bytes, index, n) as Buffer;
    expect([frame[0], frame[1]]).toEqual([0xff, 0xd8]);
  }
});

test('files that are not whole DICOM instances are refused with a reason', () => {
  expect(() => parseInstance(fixture('malformed/mr_truncated-pixel-data.dcm'))).toThrow(/cannot be read|truncated/);
  expect(() => parseInstance(fixture('malformed/rtplan_truncated.dcm'))).toThrow(/cannot be read/);
  expect(() => parseInstance(Buffer.from('hello'))).toThrow(/Part 10/);
});
