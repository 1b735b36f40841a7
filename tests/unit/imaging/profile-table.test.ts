// The committed rule table is exactly what the generator makes from PS3.15 Table E.1-1, and it has
// every row of the standard's table.
import { readFile } from 'node:fs/promises';
import { describe, expect, test } from 'vitest';
import { profileTable } from '../../../app/imaging/deidentify/profile-table.ts';
import { renderProfileTable } from '../../../scripts/imaging/deid-profile-source.ts';

const source = new URL('../../fixtures/standards/confidentiality_profile_attributes.json', import.meta.url);
const committed = new URL('../../../app/imaging/deidentify/profile-table.ts', import.meta.url);

describe('de-identification rule table', () => {
  test('regenerating it from the committed copy of Table E.1-1 gives the committed module, byte for byte', async () => {
    expect(renderProfileTable(await readFile(source, 'utf8'), '2024b')).toBe(await readFile(committed, 'utf8'));
  });

  test('holds all 621 rows of the 2024b table with their Basic Profile actions', () => {
    const counts: Record<string, number> = {};
    for (const row of profileTable) counts[row.basic] = (counts[row.basic] ?? 0) + 1;
    expect(profileTable).toHaveLength(621);
    expect(counts).toEqual({ X: 384, D: 92, U: 54, Z: 42, 'X/D': 22, 'X/Z': 11, 'X/Z/D': 8, 'Z/D': 6, 'X/Z/U*': 2 });
  });

  test('keeps the repeating-group and private-attribute rows, and the option columns', () => {
    const byTag = new Map(profileTable.map((row) => [row.tag, row]));
    expect(byTag.get('50XXXXXX')?.basic).toBe('X');
    expect(byTag.get('60XX3000')?.options).toEqual({ cleanGraphics: 'C' });
    expect(byTag.get('odd group')?.options).toEqual({ retainSafePrivate: 'C' });
    expect(byTag.get('00080020')).toMatchObject({ name: 'Study Date', basic: 'Z', options: { retainLongitudinalFullDates: 'K', retainLongitudinalModifiedDates: 'C' } });
    // No option of the standard keeps the birth date: it is emptied whatever the date policy.
    expect(byTag.get('00100030')).toMatchObject({ basic: 'Z', options: {} });
  });

  test('the generator refuses a table it does not understand', () => {
    expect(() => renderProfileTable(JSON.stringify([{ name: 'x', tag: '(0010,0010)', stdCompIOD: 'Y', basicProfile: 'Q', id: 'x' }]), '2024b')).toThrow();
    expect(() => renderProfileTable(JSON.stringify([{ name: 'x', tag: 'somewhere', stdCompIOD: 'Y', basicProfile: 'X', id: 'x' }]), '2024b')).toThrow(/neither a tag/);
  });
});
