// The import's pure parts: batching for STOW-RS, the STOW body and answer, reading a DICOMDIR and
// finding its files in the chosen folder, the PACS search URLs and answers, the import list's counts,
// and the identifying values read from an original.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { stowFailureReasons } from '../../../app/imaging/stow.ts';
import { Batcher, planBatches } from '../../../app/imaging/import/batches.ts';
import { DicomdirError, dicomdirReferences, isDicomdirName, resolveReferences } from '../../../app/imaging/import/dicomdir.ts';
import { type ImportItem, importCounts, studyProgress } from '../../../app/imaging/import/items.ts';
import { readOriginal } from '../../../app/imaging/import/originals.ts';
import { instanceUrl, pacsBaseUrl, readInstances, readStudies, studySearchUrl } from '../../../app/imaging/import/pacs.ts';
import { reviewImage } from '../../../app/imaging/import/review-image.ts';
import { readStowAnswer, stowBody, stowBoundary, stowContentType } from '../../../app/imaging/import/stow.ts';
import { multipartParts } from '../../../app/imaging/multipart.ts';

const fixture = (path: string) => new Uint8Array(readFileSync(fileURLToPath(new URL(`../../fixtures/dicom/${path}`, import.meta.url))));
const sized = (...sizes: number[]) => sizes.map((size, i) => ({ id: i, size }));

describe('batches', () => {
  test('a batch is sent when it holds enough instances', () => {
    const batches = planBatches(sized(1, 1, 1, 1, 1), { maxInstances: 2, maxBytes: 100 });
    expect(batches.map((b) => b.map((i) => i.id))).toEqual([[0, 1], [2, 3], [4]]);
  });

  test('a batch goes before the item that would take it past the byte limit; a large item goes alone', () => {
    const batches = planBatches(sized(40, 40, 40, 500, 10), { maxInstances: 10, maxBytes: 100 });
    expect(batches.map((b) => b.map((i) => i.id))).toEqual([[0, 1], [2], [3], [4]]);
  });

  test('nothing is lost or repeated, and no batch is empty', () => {
    const items = sized(...Array.from({ length: 50 }, (_, i) => (i * 37) % 61));
    const batches = planBatches(items, { maxInstances: 4, maxBytes: 90 });
    expect(batches.flat()).toEqual(items);
    expect(batches.every((b) => b.length > 0 && b.length <= 4)).toBe(true);
  });

  test('the rest is taken at the end', () => {
    const batcher = new Batcher<{ size: number }>({ maxInstances: 3, maxBytes: 1000 });
    expect(batcher.add({ size: 1 })).toBeUndefined();
    expect(batcher.pending).toBe(1);
    expect(batcher.take()).toEqual([{ size: 1 }]);
    expect(batcher.take()).toEqual([]);
    expect(() => new Batcher({ maxInstances: 0, maxBytes: 1 })).toThrow();
  });
});

describe('STOW-RS', () => {
  test('the body holds each instance whole, as an application/dicom part the server can read back', () => {
    const boundary = stowBoundary((n) => new Uint8Array(n).fill(7));
    const instances = [fixture('ct-series/IM0001.dcm'), Uint8Array.of(1, 2, 3)];
    const pieces = stowBody(instances, boundary);
    const body = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
    const parts = multipartParts(stowContentType(boundary), body);
    expect(parts.map((p) => Buffer.from(p).equals(Buffer.from(instances[parts.indexOf(p)]!)))).toEqual([true, true]);
    expect(stowContentType(boundary)).toMatch(/^multipart\/related; type="application\/dicom"; boundary=consilium-[0-9a-f]{32}$/);
  });

  test('the answer says per instance: stored, duplicate, refused with its reason, or not mentioned', () => {
    const item = (uid: string, reason?: number) => ({ '00081155': { vr: 'UI', Value: [uid] }, ...(reason === undefined ? {} : { '00081197': { vr: 'US', Value: [reason] } }) });
    const answer = {
      '00081199': { vr: 'SQ', Value: [item('1.1')] },
      '00081198': { vr: 'SQ', Value: [item('1.2', stowFailureReasons.duplicate), item('1.3', stowFailureReasons.notAuthorized), item('1.4', stowFailureReasons.outOfResources), item('1.5', 0x1234)] },
    };
    const results = readStowAnswer(answer, ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6']);
    expect(Object.fromEntries(results)).toEqual({
      '1.1': { status: 'stored' },
      '1.2': { status: 'duplicate' },
      '1.3': { status: 'refused', reason: 'not_authorized' },
      '1.4': { status: 'refused', reason: 'too_large' },
      '1.5': { status: 'refused', reason: 'storage_failed' },
      '1.6': { status: 'refused', reason: 'no_answer' },
    });
    expect(readStowAnswer(null, ['9']).get('9')).toEqual({ status: 'refused', reason: 'no_answer' });
  });
});

describe('DICOMDIR', () => {
  test('lists the files its records reference, and finds them next to it whatever their case', () => {
    const references = dicomdirReferences(fixture('dicomdir/DICOMDIR'));
    expect(references).toEqual([['DICOM', 'IM0002'], ['DICOM', 'IM0003'], ['DICOM', 'IM0004']]);
    const entries = [{ path: 'cd/DICOMDIR' }, { path: 'cd/dicom/im0002' }, { path: 'cd/DICOM/IM0004' }, { path: 'cd/other/IM0003' }];
    const { found, missing } = resolveReferences(references, 'cd/DICOMDIR', entries);
    expect(found.map((e) => e.path)).toEqual(['cd/dicom/im0002', 'cd/DICOM/IM0004']);
    expect(missing).toEqual(['DICOM/IM0003']);
  });

  test('an image file or a file that is not DICOM is not a DICOMDIR', () => {
    expect(() => dicomdirReferences(fixture('ct-series/IM0001.dcm'))).toThrow(DicomdirError);
    expect(() => dicomdirReferences(new TextEncoder().encode('not dicom at all'))).toThrow(DicomdirError);
  });

  test('DICOMDIR is recognised by name in any case and any folder', () => {
    expect(['DICOMDIR', 'cd/dicomdir', 'a/b/DicomDir'].every(isDicomdirName)).toBe(true);
    expect(['DICOMDIR.dcm', 'cd/DICOMDIR/x'].some(isDicomdirName)).toBe(false);
  });
});

describe('PACS over DICOMweb', () => {
  test('the search asks only for the terms given, the name as a prefix', () => {
    const base = pacsBaseUrl(' https://pacs.example.org/dicom-web/ ');
    expect(base).toBe('https://pacs.example.org/dicom-web');
    const url = new URL(studySearchUrl(base, { patientName: 'Doe^J', studyDate: '20200101-20201231', patientId: '' }));
    expect(url.pathname).toBe('/dicom-web/studies');
    expect(url.searchParams.get('PatientName')).toBe('Doe^J*');
    expect(url.searchParams.get('StudyDate')).toBe('20200101-20201231');
    expect(url.searchParams.has('PatientID')).toBe(false);
    expect(() => studySearchUrl(base, { studyDate: '2020-01-01' })).toThrow();
  });

  test('only http(s) addresses without credentials are PACS addresses', () => {
    for (const bad of ['file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@pacs.example.org/', 'not a url']) expect(() => pacsBaseUrl(bad)).toThrow();
  });

  test('studies and instances are read from DICOM JSON', () => {
    const studies = readStudies([
      { '0020000D': { vr: 'UI', Value: ['1.2.3'] }, '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] }, '00080061': { vr: 'CS', Value: ['CT', 'SR'] }, '00201208': { vr: 'IS', Value: [12] } },
      { '00100010': { vr: 'PN', Value: [{ Alphabetic: 'No^Uid' }] } },
    ]);
    expect(studies).toEqual([{ studyUid: '1.2.3', patientName: 'Doe Jane', patientId: '', birthDate: '', studyDate: '', description: '', accessionNumber: '', modalities: 'CT, SR', instances: 12 }]);
    const instances = readInstances([{ '0020000E': { vr: 'UI', Value: ['1.2.3.4'] }, '00080018': { vr: 'UI', Value: ['1.2.3.4.5'] } }, {}], '1.2.3');
    expect(instances).toEqual([{ studyUid: '1.2.3', seriesUid: '1.2.3.4', sopUid: '1.2.3.4.5' }]);
    expect(instanceUrl('http://p/dw', instances[0]!)).toBe('http://p/dw/studies/1.2.3/series/1.2.3.4/instances/1.2.3.4.5');
    expect(() => readStudies({ error: 'x' })).toThrow();
  });
});

describe('the import list', () => {
  test('counts per study and in all', () => {
    const items: ImportItem[] = [
      { key: 1, name: 'a', size: 1, status: 'stored', studyUid: 'S1', modality: 'CT' },
      { key: 2, name: 'b', size: 1, status: 'uploading', studyUid: 'S1', modality: 'CT' },
      { key: 3, name: 'c', size: 1, status: 'held', studyUid: 'S2', modality: 'US' },
      { key: 4, name: 'd', size: 1, status: 'failed', problem: { kind: 'deidentify', code: 'not_dicom' } },
      { key: 5, name: 'e', size: 1, status: 'duplicate', studyUid: 'S1', modality: 'SR' },
    ];
    expect(studyProgress(items)).toEqual([
      { studyUid: 'S1', modalities: ['CT', 'SR'], total: 3, stored: 1, duplicates: 1, failed: 0, held: 0, done: 2 },
      { studyUid: 'S2', modalities: ['US'], total: 1, stored: 0, duplicates: 0, failed: 0, held: 1, done: 0 },
    ]);
    expect(importCounts(items)).toEqual({ total: 5, done: 3, stored: 1, duplicates: 1, failed: 1, held: 1, cancelled: 0 });
  });
});

describe('the review image', () => {
  test('the burned-in ultrasound decodes (JPEG-LS) to a picture with its text', async () => {
    const image = await reviewImage(fixture('phi/us_burned-in-yes_jpeg-ls.dcm'), 0, undefined);
    expect([image.rows, image.columns, image.frames]).toEqual([768, 1024, 1]);
    expect(image.rgba.length).toBe(768 * 1024 * 4);
    const grey = new Set<number>();
    for (let i = 0; i < image.rgba.length; i += 4 * 97) grey.add(image.rgba[i]!);
    expect(grey.size).toBeGreaterThan(20);
  });
});

describe('identifying values of an original', () => {
  test('names, ids, birth date and full dates (not the 1st, which stays as it is)', () => {
    expect(readOriginal(fixture('phi/ot_ssn-like-id_jpeg-baseline.dcm')).identifying).toEqual(expect.arrayContaining(['John^Doe', '123-45-6789']));
    const ct = readOriginal(fixture('ct-series/IM0001.dcm'));
    expect(ct.identifying).toEqual(expect.arrayContaining(['HEAD', 'PLASTIC', '20150206']));
    expect(ct.modality).toBe('CT');
    expect(readOriginal(new TextEncoder().encode('no dicom'))).toEqual({ identifying: [] });
  });
});
