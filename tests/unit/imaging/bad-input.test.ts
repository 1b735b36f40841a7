// Bad input: every malformed fixture, non-DICOM files, oversized files, and files cut short or
// damaged anywhere give a typed DeidentifyError (or are read safely, as documented) - never another
// exception, never a hang.
import { describe, expect, test } from 'vitest';
import { deidentify, DeidentifyError, type DeidentifyErrorCode, findResidue, needsRedaction } from '../../../app/imaging/deidentify/index.ts';
import { thrown } from '../../fixtures/errors.ts';
import { baseOptions, deidentified, fixture, parse } from './helpers.ts';

async function outcome(bytes: Uint8Array, options = {}): Promise<string> {
  try {
    const result = await deidentify(bytes, { ...baseOptions(), masks: [], ...options });
    return result.status;
  } catch (error) {
    if (error instanceof DeidentifyError) return error.code;
    throw error;
  }
}

describe('malformed files (tests/fixtures/dicom/malformed, MANIFEST notes)', () => {
  test.each<[string, DeidentifyErrorCode | 'deidentified', string]>([
    ['ct_no-preamble-no-meta.dcm', 'not_dicom', 'a raw dataset without the Part 10 header cannot be trusted to be what it seems'],
    ['ct_vr-bytes-are-spaces.dcm', 'malformed', 'an element whose VR bytes are spaces: its length cannot be read reliably'],
    ['meta_missing-transfer-syntax.dcm', 'malformed', 'read as implicit VR (sniffed), but it has no SOP Instance UID'],
    ['mr_j2k_missing-seq-delimiter.dcm', 'truncated', 'the compressed image data ends without its delimiter: frames may be missing'],
    ['mr_truncated-pixel-data.dcm', 'truncated', 'Pixel Data declares more bytes than the file has'],
    ['rtplan_truncated.dcm', 'truncated', 'the file ends inside a sequence'],
    ['sc_implicit-body-explicit-ts.dcm', 'malformed', 'the meta says explicit VR but the dataset is implicit'],
    ['rtdose_invalid-is-value.dcm', 'deidentified', "recovered: Number of Frames '1A' is not identifying and is carried over as it is"],
  ])('%s -> %s (%s)', async (name, expected) => {
    expect(await outcome(await fixture(`malformed/${name}`))).toBe(expected);
  });

  test('the burned-in ultrasound file is read with two repairs: its file meta group length, and an item outside any sequence', async () => {
    const result = await deidentified(await fixture('phi/us_burned-in-yes_jpeg-ls.dcm'), { masks: [] });
    expect(result.repairs).toEqual(['file meta group length corrected', 'stray item outside any sequence left out']);
  });

  test('a file without transfer syntax in its meta is read by sniffing explicit or implicit VR', async () => {
    const good = await fixture('ct-series/IM0001.dcm');
    // Rename (0002,0010) to (0002,0011), a tag the meta reader ignores: the transfer syntax is gone.
    const withoutSyntax = good.slice();
    const at = Buffer.from(withoutSyntax).indexOf(Buffer.from([0x02, 0x00, 0x10, 0x00, 0x55, 0x49]));
    withoutSyntax[at + 2] = 0x11;
    const result = await deidentified(withoutSyntax);
    expect(result.transferSyntax).toBe('1.2.840.10008.1.2.1');
    expect(result.repairs[0]).toMatch(/transfer syntax missing/);
  });
});

describe('files that are not DICOM', () => {
  test.each<[string, Uint8Array]>([
    ['a PDF', new Uint8Array(Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n'))],
    ['a text file', new Uint8Array(Buffer.from('Patient: John Doe, born 1970-01-01\n'.repeat(20)))],
    ['a PNG', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...new Array(200).fill(0)])],
    ['an empty file', new Uint8Array(0)],
  ])('%s -> not_dicom', async (_name, bytes) => {
    expect(await outcome(bytes)).toBe('not_dicom');
    expect((await thrown(() => needsRedaction(bytes), DeidentifyError)).code).toBe('not_dicom');
    expect((await thrown(() => findResidue(bytes, ['x']), DeidentifyError)).code).toBe('not_dicom');
  });

  test('a preamble and DICM with nothing after -> malformed', async () => {
    const bytes = new Uint8Array(132);
    bytes.set(Buffer.from('DICM'), 128);
    expect(await outcome(bytes)).toBe('malformed');
  });

  test('a file over the size limit -> too_large, before anything is read', async () => {
    expect(await outcome(await fixture('ct-series/IM0001.dcm'), { maxBytes: 100_000 })).toBe('too_large');
  });

  test('an unknown transfer syntax -> unsupported_transfer_syntax', async () => {
    const bytes = (await fixture('transfer-syntax/ct_jpeg-baseline.dcm')).slice();
    const at = Buffer.from(bytes).indexOf(Buffer.from('1.2.840.10008.1.2.4.50'));
    bytes.set(Buffer.from('1.2.840.10008.1.2.4.59'), at); // a retired JPEG process
    expect(await outcome(bytes)).toBe('unsupported_transfer_syntax');
  });
});

describe('damaged copies of good files', () => {
  const sources = ['ct-series/IM0001.dcm', 'single/sr_nested.dcm', 'single/rtstruct.dcm', 'transfer-syntax/ct_deflated.dcm', 'transfer-syntax/ct_jpeg-ls-lossless.dcm', 'transfer-syntax/ct_implicit-vr-le.dcm', 'transfer-syntax/ct_explicit-vr-be.dcm'];
  const allowed = new Set(['deidentified', 'truncated', 'malformed', 'not_dicom', 'unsupported_transfer_syntax']);

  test.each(sources)('%s cut short at 60 places: a typed error, or a shorter file read safely', async (path) => {
    const bytes = await fixture(path);
    const seen = new Set<string>();
    for (let i = 1; i <= 60; i++) {
      const result = await outcome(bytes.subarray(0, Math.floor((bytes.length * i) / 61)));
      expect(allowed, `cut at ${i}/61`).toContain(result);
      seen.add(result);
    }
    expect(seen.has('truncated') || seen.has('malformed')).toBe(true);
  });

  test.each(sources)('%s with bytes overwritten at random in its header: a typed error or a readable output', async (path) => {
    const bytes = await fixture(path);
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 40; i++) {
      const damaged = bytes.slice();
      for (let j = 0; j < 4; j++) damaged[132 + Math.floor(random() * Math.min(4000, damaged.length - 132))] = Math.floor(random() * 256);
      const result = await outcome(damaged);
      expect(allowed).toContain(result);
      if (result === 'deidentified') {
        const output = await deidentify(damaged, { ...baseOptions(), masks: [] });
        if (output.status === 'deidentified') expect(() => parse(output.bytes)).not.toThrow();
      }
    }
  });
});
