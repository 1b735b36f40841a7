// ERN datasets: valid and invalid examples per schema, the server's ajv and the generated
// standalone validators giving the same answers, the generated code up to date and eval-free, and
// the form description (conditional fields, required marks, pruning).
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { datasetFields, isUnanswered, pruneDataset, valueAt, withValueAt, type DatasetField } from '../../../app/patients/datasets/form.ts';
import { datasetSchemaFor, datasetSchemas } from '../../../app/patients/datasets/index.ts';
import { type FieldIssue, issueFields, issuesFromFields } from '../../../app/patients/datasets/issues.ts';
import { validateDataset } from '../../../app/patients/datasets/validate.ts';
import { erns } from '../../../app/reference/erns.ts';
import { DomainError } from '../../../app/errors.ts';
import { generatedValidatorsFile, generateValidatorsSource } from '../../../server/patients/datasets/generate-validators.ts';
import { checkDataset } from '../../../server/patients/datasets/validate.ts';
import { thrown } from '../../fixtures/errors.ts';

interface Example {
  readonly name: string;
  readonly data: unknown;
  /** Expected issues by field path; none for a valid example. */
  readonly issues?: Readonly<Record<string, FieldIssue['keyword']>>;
}

const ithacaValid = {
  growth: { ageMonths: 30, heightCm: 84.5, weightKg: 11.2, headCircumferenceCm: 45, headCircumferenceSds: -2.4 },
  development: { intellectualDisability: 'moderate', satUnsupportedMonths: 11, walkedMonths: 26, regression: false },
  dysmorphology: { features: ['hypertelorism', 'short_philtrum'], notes: 'Broad nasal bridge.' },
  geneticTesting: { status: 'done', methods: ['cma', 'exome'], result: 'diagnostic', gene: 'KMT2D' },
};

const eyeValid = {
  ageAtOnsetYears: 6,
  visualAcuity: { method: 'etdrs', rightEye: 0.4, leftEye: 0.52 },
  fundus: { findings: ['bone_spicules', 'vessel_attenuation'] },
  erg: { result: 'abnormal', pattern: 'rod_cone' },
  geneticDiagnosis: { status: 'solved', gene: 'RPGR', variant: 'c.2405_2406del p.(Glu802Glyfs*32)', inheritance: 'xl' },
};

const examples: Record<string, Example[]> = {
  ITHACA: [
    { name: 'a complete record with a diagnostic result', data: ithacaValid },
    {
      name: 'testing not done yet, milestones not reached',
      data: { growth: { ageMonths: 9 }, development: { intellectualDisability: 'not_assessed' }, geneticTesting: { status: 'pending' } },
    },
    { name: 'a negative result needs no gene', data: { ...ithacaValid, geneticTesting: { status: 'done', methods: ['karyotype'], result: 'negative' } } },
    { name: 'empty', data: {}, issues: { '/growth': 'required', '/development': 'required', '/geneticTesting': 'required' } },
    {
      name: 'numbers out of range and of the wrong kind',
      data: { ...ithacaValid, growth: { ageMonths: 2.5, heightCm: 400, weightKg: 0.1, headCircumferenceCm: '45' } },
      issues: { '/growth/ageMonths': 'type', '/growth/heightCm': 'maximum', '/growth/weightKg': 'minimum', '/growth/headCircumferenceCm': 'type' },
    },
    {
      name: 'an unknown choice, a duplicate feature and an unknown field',
      data: { ...ithacaValid, development: { intellectualDisability: 'borderline' }, dysmorphology: { features: ['ptosis', 'ptosis', 'tail'] }, extra: 1 },
      issues: { '/development/intellectualDisability': 'choice', '/dysmorphology/features': 'choice', '/extra': 'unknown_field' },
    },
    {
      name: 'testing done without methods or result',
      data: { ...ithacaValid, geneticTesting: { status: 'done' } },
      issues: { '/geneticTesting/methods': 'required', '/geneticTesting/result': 'required' },
    },
    {
      name: 'a diagnostic result without a gene, or a malformed one',
      data: { ...ithacaValid, geneticTesting: { status: 'done', methods: [], result: 'diagnostic', gene: 'kmt2d' } },
      issues: { '/geneticTesting/methods': 'minItems', '/geneticTesting/gene': 'pattern' },
    },
    {
      name: 'results recorded while testing is not done',
      data: { ...ithacaValid, geneticTesting: { status: 'not_done', result: 'negative', gene: 'KMT2D' } },
      issues: { '/geneticTesting/result': 'not_applicable', '/geneticTesting/gene': 'not_applicable' },
    },
    {
      name: 'notes over 2000 characters (counted as characters, not UTF-16 units)',
      data: { ...ithacaValid, dysmorphology: { notes: '🙂'.repeat(2001) } },
      issues: { '/dysmorphology/notes': 'maxLength' },
    },
  ],
  'ERN-EYE': [
    { name: 'a solved X-linked retinitis pigmentosa', data: eyeValid },
    {
      name: 'acuity not measurable, ERG not done, not tested',
      data: { ageAtOnsetYears: 0.5, visualAcuity: { method: 'not_measurable' }, erg: { result: 'not_done' }, geneticDiagnosis: { status: 'not_tested' } },
    },
    { name: 'notes of exactly 2000 characters, an emoji counting as one', data: { ...eyeValid, fundus: { notes: '🙂'.repeat(2000) } } },
    {
      name: 'acuity beyond the logMAR scale and a missing eye',
      data: { ...eyeValid, visualAcuity: { method: 'snellen', rightEye: 3.5 } },
      issues: { '/visualAcuity/rightEye': 'maximum', '/visualAcuity/leftEye': 'required' },
    },
    {
      name: 'acuities given while not measurable',
      data: { ...eyeValid, visualAcuity: { method: 'not_measurable', rightEye: 1, leftEye: 1 } },
      issues: { '/visualAcuity/rightEye': 'not_applicable', '/visualAcuity/leftEye': 'not_applicable' },
    },
    {
      name: 'an abnormal ERG without a pattern',
      data: { ...eyeValid, erg: { result: 'abnormal' } },
      issues: { '/erg/pattern': 'required' },
    },
    {
      name: 'solved without gene and inheritance',
      data: { ...eyeValid, geneticDiagnosis: { status: 'solved' } },
      issues: { '/geneticDiagnosis/gene': 'required', '/geneticDiagnosis/inheritance': 'required' },
    },
    {
      name: 'a gene recorded for an unsolved case',
      data: { ...eyeValid, geneticDiagnosis: { status: 'unsolved', gene: 'ABCA4' } },
      issues: { '/geneticDiagnosis/gene': 'not_applicable' },
    },
    {
      name: 'negative onset age and an unknown fundus finding',
      data: { ...eyeValid, ageAtOnsetYears: -1, fundus: { findings: ['drusen'] } },
      issues: { '/ageAtOnsetYears': 'minimum', '/fundus/findings': 'choice' },
    },
    { name: 'not an object', data: 'eye', issues: { '': 'type' } },
  ],
};

describe('ERN dataset schemas', () => {
  test('exist for ITHACA and ERN-EYE, keyed by real ERN ids', () => {
    expect(Object.keys(datasetSchemas).sort()).toEqual(['ERN-EYE', 'ITHACA']);
    for (const ernId of Object.keys(datasetSchemas)) expect(erns.map((ern) => ern.id)).toContain(ernId);
    expect(datasetSchemaFor('ERKNet')).toBeUndefined();
    expect(datasetSchemaFor('toString')).toBeUndefined();
  });

  for (const [ernId, list] of Object.entries(examples)) {
    describe(ernId, () => {
      test.each(list.map((example) => [example.name, example] as const))('%s', (_, example) => {
        const standalone = validateDataset(ernId, example.data);
        const server = checkDataset(ernId, example.data);
        expect(standalone).toEqual(server);
        if (!example.issues) {
          expect(standalone).toEqual({ valid: true });
          return;
        }
        expect(standalone.valid).toBe(false);
        const keywords = Object.fromEntries(Object.entries(standalone.valid ? {} : standalone.issues).map(([path, issue]) => [path, issue.keyword]));
        expect(keywords).toEqual(example.issues);
      });
    });
  }

  test('issues carry the bound, for messages such as "at most 250 cm"', () => {
    const result = validateDataset('ITHACA', { ...ithacaValid, growth: { ageMonths: 1, heightCm: 400 } });
    expect(result).toEqual({ valid: false, issues: { '/growth/heightCm': { keyword: 'maximum', limit: 250 } } });
  });

  test('issues travel in an invalid_input error as field messages and are read back by the form', () => {
    const result = checkDataset('ITHACA', { ...ithacaValid, growth: { heightCm: 400 } });
    expect(result.valid).toBe(false);
    const fields = issueFields('record.dataset', result.valid ? {} : result.issues);
    expect(fields).toEqual({ 'record.dataset.growth.ageMonths': ['required'], 'record.dataset.growth.heightCm': ['maximum:250'] });
    expect(issuesFromFields('record.dataset', { ...fields, 'record.summary': ['At most 20000 characters'], 'record.dataset.x': ['no such keyword'] })).toEqual({
      '/growth/ageMonths': { keyword: 'required' },
      '/growth/heightCm': { keyword: 'maximum', limit: 250 },
    });
  });

  test('the server has no dataset for an ERN that defines none', async () => {
    expect((await thrown(() => checkDataset('ERKNet', {}), DomainError)).code).toBe('not_found');
  });
});

describe('generated validators', () => {
  test('are up to date with the schemas (regenerating gives the committed file)', () => {
    expect(generateValidatorsSource() === readFileSync(generatedValidatorsFile, 'utf8')).toBe(true);
  });

  test('compile nothing at run time and need no CommonJS helper, so they run under the renderer\'s CSP', () => {
    const code = readFileSync(generatedValidatorsFile, 'utf8');
    expect(code).not.toMatch(/new Function|\beval\(|\brequire\(/);
  });
});

describe('dataset form', () => {
  const paths = (fields: readonly DatasetField[]): string[] =>
    fields.flatMap((field) => (field.kind === 'group' ? [field.path, ...paths(field.fields)] : [field.path]));
  const find = (fields: readonly DatasetField[], path: string): DatasetField | undefined =>
    fields.map((field) => (field.path === path ? field : field.kind === 'group' ? find(field.fields, path) : undefined)).find(Boolean);
  const ithaca = datasetSchemas.ITHACA!;
  const eye = datasetSchemas['ERN-EYE']!;

  test('shows each field with its kind, label, unit, bounds and choices', () => {
    const fields = datasetFields(ithaca, {});
    expect(find(fields, '/growth/heightCm')).toEqual({ path: '/growth/heightCm', title: 'Height or length', required: false, kind: 'number', integer: false, unit: 'cm', minimum: 20, maximum: 250 });
    expect(find(fields, '/growth/ageMonths')).toMatchObject({ kind: 'number', integer: true, required: true, unit: 'months' });
    expect(find(fields, '/development/intellectualDisability')).toMatchObject({ kind: 'choice', required: true, options: expect.arrayContaining([{ value: 'mild', label: 'Mild' }]) });
    expect(find(fields, '/dysmorphology/features')).toMatchObject({ kind: 'choices', required: false });
    expect(find(fields, '/development/regression')).toMatchObject({ kind: 'boolean', description: 'Loss of skills once acquired.' });
    expect(find(fields, '/dysmorphology/notes')).toMatchObject({ kind: 'text', multiline: true, maxLength: 2000 });
  });

  test('shows conditional fields only when the answers make them apply, and marks them required then', () => {
    expect(paths(datasetFields(ithaca, { geneticTesting: { status: 'pending' } }))).not.toContain('/geneticTesting/result');
    const done = datasetFields(ithaca, { geneticTesting: { status: 'done' } });
    expect(find(done, '/geneticTesting/methods')).toMatchObject({ required: true });
    expect(find(done, '/geneticTesting/gene')).toMatchObject({ required: false });
    expect(find(datasetFields(ithaca, { geneticTesting: { status: 'done', result: 'diagnostic' } }), '/geneticTesting/gene')).toMatchObject({ required: true });
    expect(paths(datasetFields(ithaca, { geneticTesting: { status: 'done', result: 'negative' } }))).not.toContain('/geneticTesting/gene');
    expect(paths(datasetFields(eye, { visualAcuity: { method: 'not_measurable' } }))).not.toContain('/visualAcuity/rightEye');
    expect(find(datasetFields(eye, { visualAcuity: { method: 'etdrs' } }), '/visualAcuity/rightEye')).toMatchObject({ required: true, unit: 'logMAR' });
    expect(find(datasetFields(eye, { erg: { result: 'abnormal' } }), '/erg/pattern')).toMatchObject({ required: true });
  });

  test('drops answers that no longer apply and empty ones before saving, keeping required groups', () => {
    const typed = withValueAt(withValueAt(ithacaValid, '/geneticTesting/status', 'not_done'), '/dysmorphology/notes', '');
    expect(valueAt(typed, '/geneticTesting/gene')).toBe('KMT2D');
    const pruned = pruneDataset(ithaca, typed);
    expect(pruned.geneticTesting).toEqual({ status: 'not_done' });
    expect(pruned.dysmorphology).toEqual({ features: ['hypertelorism', 'short_philtrum'] });
    expect(validateDataset('ITHACA', pruned)).toEqual({ valid: true });
    expect(pruneDataset(ithaca, {})).toEqual({ growth: {}, development: {}, geneticTesting: {} });
    expect(ithacaValid.geneticTesting.gene).toBe('KMT2D');
  });

  test('tells a dataset not filled in yet (empty groups, cleared answers) from one with any answer', () => {
    expect(isUnanswered({})).toBe(true);
    expect(isUnanswered(pruneDataset(ithaca, {}))).toBe(true);
    expect(isUnanswered({ growth: { heightCm: undefined }, dysmorphology: { features: [], notes: '' } })).toBe(true);
    expect(isUnanswered({ growth: {}, development: { regression: false } })).toBe(false);
    expect(isUnanswered({ growth: { ageMonths: 0 } })).toBe(false);
  });
});
