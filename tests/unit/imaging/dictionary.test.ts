import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { lookupAttribute } from '../../../app/imaging/dictionary/index.ts';
import { compactVr, dictionaryLines, keywordFromName, type SourceAttribute } from '../../../app/imaging/dictionary/generate.ts';
import { defaultSource, generateFrom, target } from '../../../scripts/imaging/generate-dictionary.ts';

describe('the committed data dictionary', () => {
  test('is what the generator makes of the committed PS3.6 source (tests/fixtures/standards/attributes.json)', () => {
    expect(readFileSync(target, 'utf8')).toBe(generateFrom(defaultSource));
  });

  test('holds every named attribute of the source', () => {
    const rows = JSON.parse(readFileSync(defaultSource, 'utf8')) as SourceAttribute[];
    const named = rows.filter((r) => r.name && r.keyword);
    expect(named.length).toBeGreaterThan(5000);
    for (const row of named) {
      const info = lookupAttribute(row.id.replace(/x/g, '0').toUpperCase());
      expect(info, row.tag).toBeDefined();
    }
  });
});

describe('lookupAttribute', () => {
  test('names attributes by tag, with keyword and VR as PS3.6 gives them', () => {
    expect(lookupAttribute('00100010')).toEqual({ name: "Patient's Name", keyword: 'PatientName', vr: 'PN', retired: false });
    expect(lookupAttribute('7fe00010')).toMatchObject({ keyword: 'PixelData', vr: 'OB or OW' });
    expect(lookupAttribute('00280106')).toMatchObject({ keyword: 'SmallestImagePixelValue', vr: 'US or SS' });
    expect(lookupAttribute('00080001')).toMatchObject({ name: 'Length to End', retired: true });
  });

  test('knows repeating groups (overlays, curves) through their wildcards', () => {
    expect(lookupAttribute('60003000')).toMatchObject({ keyword: 'OverlayData' });
    expect(lookupAttribute('60220010')).toMatchObject({ keyword: 'OverlayRows' });
  });

  test('gives private attributes, private creators and group lengths generic names', () => {
    expect(lookupAttribute('00090010')).toMatchObject({ name: 'Private Creator', vr: 'LO' });
    expect(lookupAttribute('00091001')).toMatchObject({ name: 'Private Attribute' });
    expect(lookupAttribute('00280000')).toMatchObject({ name: 'Group Length' });
  });

  test('answers nothing for what is not a tag', () => {
    expect(lookupAttribute('PatientName')).toBeUndefined();
    expect(lookupAttribute('0010001')).toBeUndefined();
  });
});

describe('the generator', () => {
  test('stores a keyword only when it cannot be derived from the name', () => {
    expect(keywordFromName('Study Date')).toBe('StudyDate');
    const row = (name: string, keyword: string): SourceAttribute => ({ tag: '(0009,0001)', name, keyword, valueRepresentation: 'LO', valueMultiplicity: '1', retired: 'N', id: '00090001' });
    expect(dictionaryLines([row('Study Date', 'StudyDate')])).toEqual(['00090001|LO||Study Date|']);
    expect(dictionaryLines([row("Patient's Name", 'PatientName')])).toEqual(["00090001|LO||Patient's Name|PatientName"]);
  });

  test('compacts "or" VRs and drops the item delimiters\' note', () => {
    expect(compactVr('US or SS or OW')).toBe('US/SS/OW');
    expect(compactVr('See Note 2')).toBe('');
  });

  test('refuses rows it could not store faithfully', () => {
    const bad: SourceAttribute = { tag: '(0009,0001)', name: 'A|B', keyword: 'AB', valueRepresentation: 'LO', valueMultiplicity: '1', retired: 'N', id: '00090001' };
    expect(() => dictionaryLines([bad])).toThrow(/row 0/);
  });
});
