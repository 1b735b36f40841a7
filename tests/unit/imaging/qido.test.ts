// QIDO matching (PS3.4 C.2.2.2): UID lists, wildcards, date and time ranges, universal matching;
// query parameters read or refused.
import { describe, expect, test } from 'vitest';
import { matches, parseQido, QidoQueryError } from '../../../server/imaging/qido.ts';

const study = new Map<string, string | number | null | readonly string[]>([
  ['0020000D', '1.2.3'],
  ['00100010', 'Doe^Jane'],
  ['00100020', 'PSEUDO-7'],
  ['00080020', '20240315'],
  ['00080030', '101530.25'],
  ['00080061', ['CT', 'SR']],
  ['00081030', 'Head CT'],
]);
const match = (filters: Record<string, string>) => matches(study, new Map(Object.entries(filters)));

describe('matching', () => {
  test.each([
    [{ '0020000D': '9.9,1.2.3' }, true],
    [{ '0020000D': '1.2' }, false],
    [{ '00100010': 'doe*' }, true],
    [{ '00100010': 'D?e^Jane' }, true],
    [{ '00100010': 'Doe' }, false],
    [{ '00081030': 'head*' }, false],
    [{ '00081030': 'Head*' }, true],
    [{ '00080020': '20240315' }, true],
    [{ '00080020': '20240101-20241231' }, true],
    [{ '00080020': '-20240314' }, false],
    [{ '00080020': '20240316-' }, false],
    [{ '00080030': '1015' }, true],
    [{ '00080030': '100000-110000' }, true],
    [{ '00080030': '1100-' }, false],
    [{ '00080061': 'MR,SR' }, true],
    [{ '00080061': 'MR' }, false],
    [{ '00100020': '' }, true],
    [{ '00100020': 'PSEUDO-7', '00080061': 'CT' }, true],
    [{ '00100020': 'PSEUDO-7', '00080061': 'US' }, false],
  ])('%o: %s', (filters, expected) => {
    expect(match(filters)).toBe(expected);
  });

  test('a date filter never matches a value that is not a date', () => {
    expect(matches(new Map([['00080020', '***']]), new Map([['00080020', '19000101-']]))).toBe(false);
  });
});

describe('query parameters', () => {
  test('keywords and tags, paging, includefield, fuzzy matching', () => {
    const search = parseQido({ PatientID: 'P1', '00080020': '2024-', limit: '5', offset: '10', includefield: 'StudyDescription,00081032', fuzzymatching: 'true' }, 'study');
    expect([...search.filters]).toEqual([['00100020', 'P1'], ['00080020', '2024-']]);
    expect(search).toMatchObject({ limit: 5, offset: 10, fuzzy: true, includeFields: ['00081030', '00081032'], includeAll: false });
  });

  test('attributes of a lower level are ignored (with a warning); unknown keys and bad numbers are refused', () => {
    expect(parseQido({ Modality: 'CT' }, 'study').ignoredKeys).toEqual(['Modality']);
    expect(parseQido({ Modality: 'CT' }, 'series').filters.get('00080060')).toBe('CT');
    expect(() => parseQido({ NoSuchThing: '1' }, 'study')).toThrow(QidoQueryError);
    expect(() => parseQido({ limit: 'ten' }, 'study')).toThrow(QidoQueryError);
    expect(() => parseQido({ PatientID: ['a', 'b'] }, 'study')).toThrow(QidoQueryError);
  });
});
