import { describe, expect, test } from 'vitest';
import type { DicomJsonDataset } from '../../../app/imaging/dicom-json.ts';
import { tagRows, valueText, visibleRows } from '../../../app/imaging/tag-tree.ts';
import { folderMetadata } from './metadata.ts';

const instance: DicomJsonDataset = {
  '00100010': { vr: 'PN', Value: [{ Alphabetic: 'Doe^Jane' }] },
  '00081140': {
    vr: 'SQ',
    Value: [
      { '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: ['1.2.3.4'] } },
      { '00081155': { vr: 'UI', Value: ['1.2.3.5'] } },
    ],
  },
  '00280030': { vr: 'DS', Value: [0.5, 0.5] },
  '7FE00010': { vr: 'OW', BulkDataURI: 'https://example/bulk' },
};

describe('tagRows', () => {
  test('lists every attribute in tag order, sequences with their items nested under them', () => {
    const rows = tagRows(instance);
    expect(rows.map((r) => [r.depth, r.tag || r.name, r.value])).toEqual([
      [0, '(0008,1140)', '2 items'],
      [1, 'Item 1', ''],
      [2, '(0008,1150)', '1.2.840.10008.5.1.4.1.1.2'],
      [2, '(0008,1155)', '1.2.3.4'],
      [1, 'Item 2', ''],
      [2, '(0008,1155)', '1.2.3.5'],
      [0, '(0010,0010)', 'Doe^Jane'],
      [0, '(0028,0030)', '0.5\\0.5'],
      [0, '(7FE0,0010)', '(bulk data)'],
    ]);
    expect(rows.find((r) => r.tag === '(0010,0010)')).toMatchObject({ name: "Patient's Name", keyword: 'PatientName', vr: 'PN' });
    expect(rows[0]).toMatchObject({ name: 'Referenced Image Sequence', expandable: true });
  });

  test('shows every attribute of a real instance (the CT fixture)', () => {
    const [ct] = folderMetadata('ct-series');
    const rows = tagRows(ct!);
    expect(rows.filter((r) => r.depth === 0)).toHaveLength(Object.keys(ct!).length);
    expect(rows.find((r) => r.keyword === 'PatientName')?.value).toBe('HEAD');
  });
});

describe('visibleRows', () => {
  const rows = tagRows(instance);

  test('a search matches tag (with or without punctuation), name, keyword or value, and keeps the path to the match', () => {
    const names = (query: string) => visibleRows(rows, query, new Set()).map((r) => r.name);
    expect(names('patientname')).toEqual(["Patient's Name"]);
    expect(names('0010,0010')).toEqual(["Patient's Name"]);
    expect(names('00280030')).toEqual(['Pixel Spacing']);
    expect(names('1.2.3.5')).toEqual(['Referenced Image Sequence', 'Item 2', 'Referenced SOP Instance UID']);
  });

  test('collapsing a sequence hides its items until a search brings one up', () => {
    const collapsed = new Set([rows[0]!.path]);
    expect(visibleRows(rows, '', collapsed).map((r) => r.name)).toEqual(['Referenced Image Sequence', "Patient's Name", 'Pixel Spacing', 'Pixel Data']);
    expect(visibleRows(rows, '1.2.3.4', collapsed)).toHaveLength(3);
  });
});

describe('valueText', () => {
  test('summarises binary values and cuts long text', () => {
    expect(valueText({ vr: 'OB', InlineBinary: 'AAAA' })).toBe('(binary, 3 bytes)');
    expect(valueText({ vr: 'LT', Value: ['x'.repeat(300)] })).toHaveLength(257);
    expect(valueText({ vr: 'SQ', Value: [{}] })).toBe('1 item');
  });
});
