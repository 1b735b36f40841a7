// The medical record's schema as a form meets it: what counts as HGVS, a gene symbol and a month,
// and errors keyed and worded as the server reports them.
import { describe, expect, test } from 'vitest';
import { emptyRecord, parseRecord } from '../../../app/patients/record.ts';

const finding = (overrides: Record<string, string>) => ({ geneticFindings: [{ gene: 'COL4A5', ...overrides }] });

describe('the medical record', () => {
  test.each([
    'NM_000089.4:c.3266G>A',
    'NC_000007.14:g.117559590G>A',
    'c.2405_2406del',
    'p.(Arg1089Gln)',
    'NM_003482.4(KMT2D):c.5645C>G',
    'm.3243A>G',
    '',
  ])('accepts the variant %j', (variant) => {
    expect(parseRecord(finding({ variant })).ok).toBe(true);
  });

  test.each(['c3266G>A', 'NM_000089.4 c.3266G>A', 'NM_000089.4:x.3266G>A', 'pathogenic', 'c.'])('refuses the variant %j', (variant) => {
    expect(parseRecord(finding({ variant }))).toEqual({ ok: false, fields: { 'record.geneticFindings.0.variant': ['HGVS notation, e.g. NM_000089.4:c.3266G>A'] } });
  });

  test('a gene is a symbol, and an empty one is only "Required"', () => {
    expect(parseRecord(finding({ gene: 'HLA-DRB1' })).ok).toBe(true);
    expect(parseRecord(finding({ gene: 'COL4A5 exon 3' }))).toEqual({ ok: false, fields: { 'record.geneticFindings.0.gene': ['A gene symbol, e.g. COL4A5'] } });
    expect(parseRecord(finding({ gene: '  ' }))).toEqual({ ok: false, fields: { 'record.geneticFindings.0.gene': ['Required'] } });
  });

  test('dates are a year and month; text is trimmed; defaults fill what is left out', () => {
    const parsed = parseRecord({ labResults: [{ test: ' Creatinine ', value: '31', date: '2021-04' }], samples: [{ type: 'DNA', date: '2021-4' }] });
    expect(parsed).toEqual({ ok: false, fields: { 'record.samples.0.date': ['Year and month, YYYY-MM'] } });
    const ok = parseRecord({ labResults: [{ test: ' Creatinine ', value: '31', date: '2021-04' }] });
    expect(ok).toEqual({ ok: true, record: { ...emptyRecord, labResults: [{ test: 'Creatinine', value: '31', unit: '', referenceRange: '', date: '2021-04' }] } });
  });

  test('choices outside the lists are named at their field', () => {
    expect(parseRecord(finding({ zygosity: 'double', classification: 'bad' }))).toEqual({
      ok: false,
      fields: { 'record.geneticFindings.0.zygosity': ['Choose one of the options offered'], 'record.geneticFindings.0.classification': ['Choose one of the options offered'] },
    });
  });
});
