// Searching the clinical code lists through the real client: Orphanet, HPO and ICD-10-CM by code
// and by words, ranking, inactive codes, limits, bad input, and the credits each list requires.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { CodeSearchInput } from '../../app/codes/schemas.ts';
import { buildUser } from '../fixtures/factories.ts';
import { failure, signIn, startTestServer, type TestClient, type TestServer } from '../fixtures/server.ts';

let t: TestServer;
let client: TestClient;

beforeAll(async () => {
  t = await startTestServer();
  const user = await buildUser(t.server.db);
  client = t.client();
  client.token = (await signIn(client.api, user, t.clock)).accessToken;
});

afterAll(async () => {
  await t.close();
});

const search = (input: CodeSearchInput) => client.api.codes.search.query(input);
const codes = async (input: CodeSearchInput) => (await search(input)).map((hit) => hit.code);

describe('codes', () => {
  test('refuse anonymous callers', async () => {
    const anonymous = t.client();
    for (const call of [
      anonymous.api.codes.search.query({ query: 'Williams' }),
      anonymous.api.codes.get.query({ system: 'orphanet', code: 'ORPHA:904' }),
      anonymous.api.codes.about.query(),
    ]) {
      expect((await failure(call)).data?.appCode).toBe('not_signed_in');
    }
  });

  test('finds a rare disease, a phenotype and a diagnosis by name', async () => {
    const [williams] = await search({ query: 'Williams syndrome', systems: ['orphanet'] });
    expect(williams).toEqual({ system: 'orphanet', code: 'ORPHA:904', term: 'Williams syndrome', active: true, match: 'term' });
    const [seizures] = await search({ query: 'Seizures', systems: ['hpo'] });
    expect(seizures).toMatchObject({ system: 'hpo', code: 'HP:0001250', term: 'Seizures' });
    expect(await codes({ query: 'down syndrome', systems: ['icd10cm'], limit: 2 })).toEqual(['Q90', 'Q90.9']);
  });

  test('searches every list unless told which', async () => {
    const hits = await search({ query: 'Williams syndrome' });
    expect(hits.slice(0, 2).map((hit) => `${hit.system} ${hit.code}`)).toEqual(['orphanet ORPHA:904', 'icd10cm Q93.82']);
  });

  test('finds codes exactly and by their beginning, in each list\'s notation', async () => {
    expect(await codes({ query: 'Q90', systems: ['icd10cm'] })).toEqual(['Q90', 'Q90.0', 'Q90.1', 'Q90.2', 'Q90.9']);
    expect((await search({ query: 'q87.4', systems: ['icd10cm'] }))[0]).toMatchObject({ code: 'Q87.4', term: "Marfan's syndrome", match: 'code' });
    expect((await codes({ query: 'Q874', systems: ['icd10cm'] }))[0]).toBe('Q87.4');
    for (const query of ['ORPHA:558', '558', 'orpha 558']) {
      expect((await search({ query, systems: ['orphanet'] }))[0], query).toMatchObject({ code: 'ORPHA:558', term: 'Marfan syndrome', match: 'code' });
    }
    expect(await codes({ query: 'ORPHA:558', systems: ['orphanet'] })).toEqual(['ORPHA:558', 'ORPHA:55880', 'ORPHA:55881', 'ORPHA:558411']);
    for (const query of ['HP:0001250', 'hp:1250', '1250']) expect((await codes({ query, systems: ['hpo'] }))[0], query).toBe('HP:0001250');
    expect(await codes({ query: 'HP:0001250', systems: ['hpo'] })).toEqual(['HP:0001250']);
    // HP:00012 means HP:0001200 to HP:0001299.
    const range = await codes({ query: 'HP:00012', systems: ['hpo'], limit: 100 });
    expect(range.length).toBeGreaterThan(50);
    for (const code of range) expect(code).toMatch(/^HP:00012\d\d$/);
  });

  test('an HPO alternative id finds the current term', async () => {
    expect(await search({ query: 'HP:0001275', systems: ['hpo'] })).toEqual([
      { system: 'hpo', code: 'HP:0001250', term: 'Seizures', active: true, match: 'code' },
    ]);
  });

  test('matches every word as the beginning of a word, ignoring case and accents', async () => {
    expect((await codes({ query: 'will synd', systems: ['orphanet'] }))).toContain('ORPHA:904');
    const plain = await search({ query: 'sjogren larsson', systems: ['orphanet'] });
    const accented = await search({ query: 'SJÖGREN-Larsson', systems: ['orphanet'] });
    expect(plain[0]).toMatchObject({ code: 'ORPHA:816', term: 'Sjögren-Larsson syndrome' });
    expect(accented).toEqual(plain);
    expect(await codes({ query: 'williams zebra', systems: ['orphanet'] })).toEqual([]);
  });

  test('ranks an exact term, then terms beginning with the query, then terms holding its words, then synonyms', async () => {
    const hits = await search({ query: 'Marfan syndrome', systems: ['orphanet'], limit: 100 });
    const firstOf = (predicate: (term: string, match: string) => boolean) => hits.findIndex((hit) => predicate(hit.term, hit.match));
    expect(hits[0]).toMatchObject({ code: 'ORPHA:558', term: 'Marfan syndrome' });
    const prefix = firstOf((term) => term.startsWith('Marfan syndrome '));
    const words = firstOf((term, match) => match === 'term' && !term.startsWith('Marfan syndrome'));
    const synonym = firstOf((_, match) => match === 'synonym');
    expect(prefix).toBeGreaterThan(0);
    expect(words).toBeGreaterThan(prefix);
    expect(synonym).toBeGreaterThan(words);
    expect(hits.slice(synonym).every((hit) => hit.match === 'synonym')).toBe(true);
  });

  test('finds a code by a synonym and says which synonym matched', async () => {
    const [marfan] = await search({ query: 'MFS', systems: ['orphanet'] });
    expect(marfan).toEqual({ system: 'orphanet', code: 'ORPHA:558', term: 'Marfan syndrome', active: true, match: 'synonym', synonym: 'MFS' });
  });

  test('leaves out obsolete and inactive codes unless asked for them', async () => {
    expect(await codes({ query: 'pipecolic acidemia', systems: ['orphanet'] })).not.toContain('ORPHA:34');
    expect(await codes({ query: 'early cataracts', systems: ['hpo'] })).not.toContain('HP:0001113');
    expect(await codes({ query: 'ORPHA:34', systems: ['orphanet'] })).not.toContain('ORPHA:34');

    const deprecated = await search({ query: 'pipecolic acidemia', systems: ['orphanet'], includeInactive: true });
    expect(deprecated).toContainEqual({ system: 'orphanet', code: 'ORPHA:34', term: 'Pipecolic acidemia', active: false, match: 'term' });
    const obsolete = await search({ query: 'early cataracts', systems: ['hpo'], includeInactive: true });
    expect(obsolete.find((hit) => hit.code === 'HP:0001113')).toMatchObject({ term: 'obsolete Early cataracts', active: false });
  });

  test('returns at most `limit` results, 20 by default', async () => {
    expect(await search({ query: 'syndrome' })).toHaveLength(20);
    expect(await search({ query: 'syndrome', limit: 3 })).toHaveLength(3);
    expect(await search({ query: 'syndrome', limit: 100 })).toHaveLength(100);
  });

  test.each([
    ['an empty query', { query: '' }, 'query'],
    ['a blank query', { query: '   ' }, 'query'],
    ['a query over 100 characters', { query: 'x'.repeat(101) }, 'query'],
    ['an unknown list', { query: 'x', systems: ['snomed'] }, 'systems.0'],
    ['no list', { query: 'x', systems: [] }, 'systems'],
    ['a limit over 100', { query: 'x', limit: 101 }, 'limit'],
    ['a limit of 0', { query: 'x', limit: 0 }, 'limit'],
  ])('refuses %s with a message on the field', async (_, input, field) => {
    const error = await failure(search(input as CodeSearchInput));
    expect(error.data?.appCode).toBe('invalid_input');
    expect(error.data?.httpStatus).toBe(400);
    expect(Object.keys(error.data?.fields ?? {})).toEqual([field]);
  });

  test('gets one code in full, also an inactive one with the code to use instead', async () => {
    expect(await client.api.codes.get.query({ system: 'hpo', code: 'HP:0001250' })).toEqual({
      system: 'hpo', code: 'HP:0001250', term: 'Seizures', synonyms: ['Epilepsy', 'Seizure'], active: true, status: 'Current',
    });
    expect(await client.api.codes.get.query({ system: 'orphanet', code: '34' })).toMatchObject({
      code: 'ORPHA:34', active: false, status: 'Inactive: Deprecated', replacedBy: 'ORPHA:79189',
    });
    expect(await client.api.codes.get.query({ system: 'hpo', code: 'HP:0001113' })).toMatchObject({ active: false, replacedBy: 'HP:0000518' });
    expect(await client.api.codes.get.query({ system: 'icd10cm', code: 'q90.9' })).toMatchObject({ code: 'Q90.9', term: 'Down syndrome, unspecified' });
  });

  test('an unknown code is not found; an unknown list is bad input', async () => {
    expect((await failure(client.api.codes.get.query({ system: 'orphanet', code: 'ORPHA:99999999' }))).data?.appCode).toBe('not_found');
    expect((await failure(client.api.codes.get.query({ system: 'icd10cm', code: 'not a code' }))).data?.appCode).toBe('not_found');
    expect((await failure(client.api.codes.get.query({ system: 'snomed' as 'hpo', code: '1' }))).data?.appCode).toBe('invalid_input');
  });

  test('names each list with its release, licence and the credit to show with its terms', async () => {
    const about = await client.api.codes.about.query();
    expect(about.map((list) => [list.system, list.release, list.codes])).toEqual([
      ['orphanet', '2023 (en)', 10_839],
      ['hpo', 'releases/2015-01-27', 11_030],
      ['icd10cm', 'FY2022', 95_524],
    ]);
    expect(about.find((list) => list.system === 'hpo')?.attribution).toBe(
      'This service is using the Human Phenotype Ontology (releases/2015-01-27). Find out more at http://www.human-phenotype-ontology.org',
    );
    expect(about.find((list) => list.system === 'orphanet')?.attribution).toMatch(/Orphanet.*CC BY 4\.0.*adapted/);
  });
});
