// Clean Pixel Data: the user's rectangles are blacked out in the pixels (decoded from JPEG-LS, JPEG,
// RLE or native data), everything else is unchanged, and the result is recorded in the instance.
import charlsFactory from '@cornerstonejs/codec-charls/decodewasmjs';
import libjpegFactory from '@cornerstonejs/codec-libjpeg-turbo-8bit/decodewasmjs';
import type { DcmjsDict } from 'dcmjs';
import dicomParser from 'dicom-parser';
import { describe, expect, test } from 'vitest';
import type { CodecModule } from '../../../app/imaging/deidentify/codec-types.ts';
import { deidentify, DeidentifyError, findResidue, type Mask } from '../../../app/imaging/deidentify/index.ts';
import { thrown } from '../../fixtures/errors.ts';
import { baseOptions, deidentified, fixture, parse } from './helpers.ts';

/** The frames of a file's encapsulated Pixel Data, read by dicom-parser (independent of the code under test). */
function compressedFrames(bytes: Uint8Array): Uint8Array[] {
  const ds = dicomParser.parseDicom(bytes);
  const element = ds.elements.x7fe00010!;
  const count = Number(ds.intString('x00280008') ?? 1);
  if (count === 1) return [dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, element.fragments!.length)];
  return Array.from({ length: count }, (_, frame) => dicomParser.readEncapsulatedImageFrame(ds, element, frame));
}

/** Decodes with the codec package directly, as a reference. */
async function decodeWith(factory: () => Promise<unknown>, kind: 'JpegLSDecoder' | 'JPEGDecoder', frame: Uint8Array): Promise<Uint8Array> {
  const module = (await factory()) as CodecModule;
  const decoder = new module[kind]!();
  decoder.getEncodedBuffer(frame.length).set(frame);
  decoder.decode();
  return decoder.getDecodedBuffer().slice();
}

/** The output's native Pixel Data bytes. */
function nativePixels(bytes: Uint8Array): Uint8Array {
  const element = dicomParser.parseDicom(bytes).elements.x7fe00010!;
  return bytes.slice(element.dataOffset, element.dataOffset + element.length);
}

/** Indexes of the samples inside a mask, for an image `columns` wide with `samples` per pixel. */
function inside(mask: Mask, columns: number, samples: number): Set<number> {
  const set = new Set<number>();
  for (let y = mask.y; y < mask.y + mask.height; y++) for (let x = mask.x; x < mask.x + mask.width; x++) for (let s = 0; s < samples; s++) set.add((y * columns + x) * samples + s);
  return set;
}

function compare(reference: Uint8Array, output: Uint8Array, masked: Set<number>): { maskedNonZero: number; changedOutside: number; referenceNonZeroInMask: number } {
  let maskedNonZero = 0;
  let changedOutside = 0;
  let referenceNonZeroInMask = 0;
  for (let i = 0; i < reference.length; i++) {
    if (masked.has(i)) {
      if (output[i] !== 0) maskedNonZero++;
      if (reference[i] !== 0) referenceNonZeroInMask++;
    } else if (output[i] !== reference[i]) changedOutside++;
  }
  return { maskedNonZero, changedOutside, referenceNonZeroInMask };
}

const codes = (dict: DcmjsDict) => (dict['00120064']!.Value as DcmjsDict[]).map((item) => item['00080100']!.Value![0]);

describe('redaction', () => {
  test('the burned-in ultrasound (JPEG-LS): the mask is black, every other pixel as the reference decoder reads the original', async () => {
    const input = await fixture('phi/us_burned-in-yes_jpeg-ls.dcm');
    // The text: settings at the top left (RS, 2D, 32%...), measurement and label along the bottom.
    const masks = [{ x: 0, y: 120, width: 130, height: 130 }, { x: 0, y: 730, width: 1024, height: 38 }];
    const result = await deidentified(input, { masks });
    expect(result.pixelsRedacted).toBe(true);
    expect(result.transferSyntax).toBe('1.2.840.10008.1.2.1');
    const reference = await decodeWith(charlsFactory, 'JpegLSDecoder', compressedFrames(input)[0]!);
    const output = nativePixels(result.bytes);
    expect(output.length).toBe(768 * 1024);
    const masked = new Set([...inside(masks[0]!, 1024, 1), ...inside(masks[1]!, 1024, 1)]);
    const { maskedNonZero, changedOutside, referenceNonZeroInMask } = compare(reference, output, masked);
    expect(referenceNonZeroInMask).toBeGreaterThan(1000); // there was something to hide
    expect([maskedNonZero, changedOutside]).toEqual([0, 0]);
    const { dict } = parse(result.bytes);
    expect(dict['00280301']!.Value).toEqual(['NO']);
    expect(codes(dict)).toEqual(['113100', '113101', '113107']);
    expect(dict['00280004']!.Value).toEqual(['MONOCHROME2']);
    expect(findResidue(result.bytes, ['XXXXXXXXXXXXXXXX'])).toEqual([]);
  });

  test('a multi-frame JPEG ultrasound: a mask on frame 3 only; the frames are RGB now and lossy compression is recorded', async () => {
    const input = await fixture('transfer-syntax/us_jpeg-baseline_30frames.dcm');
    const mask = { x: 10, y: 20, width: 100, height: 30, frame: 2 };
    const result = await deidentified(input, { masks: [mask] });
    const frames = compressedFrames(input);
    const output = nativePixels(result.bytes);
    const frameLength = 240 * 320 * 3;
    expect(output.length).toBe(30 * frameLength);
    for (const index of [0, 2, 29]) {
      const reference = await decodeWith(libjpegFactory, 'JPEGDecoder', frames[index]!);
      const masked = index === 2 ? inside(mask, 320, 3) : new Set<number>();
      const { maskedNonZero, changedOutside } = compare(reference, output.subarray(index * frameLength, (index + 1) * frameLength), masked);
      expect([index, maskedNonZero, changedOutside]).toEqual([index, 0, 0]);
    }
    const { dict } = parse(result.bytes);
    expect([dict['00280004']!.Value, dict['00280006']!.Value, dict['00282110']!.Value]).toEqual([['RGB'], [0], ['01']]);
  });

  test('native CT: the masked pixels are 0, every other byte is the original', async () => {
    const input = await fixture('ct-series/IM0001.dcm');
    const mask = { x: 200, y: 200, width: 50, height: 20 };
    const output = nativePixels((await deidentified(input, { masks: [mask] })).bytes);
    const reference = nativePixels(input);
    const masked = new Set([...inside(mask, 512, 1)].flatMap((i) => [2 * i, 2 * i + 1]));
    const { maskedNonZero, changedOutside, referenceNonZeroInMask } = compare(reference, output, masked);
    expect(referenceNonZeroInMask).toBeGreaterThan(0);
    expect([maskedNonZero, changedOutside]).toEqual([0, 0]);
  });

  test('RGB RLE: two masks give two outputs that differ only inside the masks', async () => {
    const input = await fixture('transfer-syntax/rgb_rle.dcm');
    const a = { x: 0, y: 0, width: 30, height: 30 };
    const b = { x: 50, y: 50, width: 30, height: 30 };
    const [outA, outB] = [nativePixels((await deidentified(input, { masks: [a] })).bytes), nativePixels((await deidentified(input, { masks: [b] })).bytes)];
    const either = new Set([...inside(a, 100, 3), ...inside(b, 100, 3)]);
    let differentOutside = 0;
    for (let i = 0; i < outA.length; i++) if (!either.has(i) && outA[i] !== outB[i]) differentOutside++;
    expect(differentOutside).toBe(0);
    expect([...inside(a, 100, 3)].every((i) => outA[i] === 0)).toBe(true);
    expect([...inside(a, 100, 3)].some((i) => outB[i] !== 0)).toBe(true);
  });

  test.each<[string, Mask[], string]>([
    ['a mask wider than the image', [{ x: 1000, y: 0, width: 100, height: 10 }], 'invalid_masks'],
    ['a mask on a frame the image does not have', [{ x: 0, y: 0, width: 10, height: 10, frame: 1 }], 'invalid_masks'],
  ])('refuses %s (%s) and writes nothing', async (_name, masks, code) => {
    const error = await thrown(deidentify(await fixture('phi/us_burned-in-yes_jpeg-ls.dcm'), { ...baseOptions(), masks }), DeidentifyError);
    expect(error.code).toBe(code);
  });

  test('12-bit JPEG cannot be masked: unsupported_transfer_syntax, not a wrong image', async () => {
    const error = await thrown(deidentify(await fixture('phi/ct_enhanced_full-phi_fragmented.dcm'), { ...baseOptions(), masks: [{ x: 0, y: 0, width: 10, height: 10 }] }), DeidentifyError);
    expect(error.code).toBe('unsupported_transfer_syntax');
  });
});
