// The shipped code lists: HPO exactly as released (its licence forbids changes), every list read
// completely, and the derived files equal to a rebuild from the project's source copies.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { deriveCodeFiles } from '../../../server/codes/build-data.ts';
import { gunzipSync } from 'node:zlib';
import { codeDataDir, readShippedSync, shippedPath } from '../../../server/codes/load.ts';
import { parseHpo, parseIcd10cm, parseOrphanet, sourceFiles } from '../../../server/codes/sources.ts';

const shipped = (file: string) => readShippedSync(file);
/** The bytes of a shipped list, as its source published them (they are stored gzipped). */
const shippedBytes = (file: string) => gunzipSync(readFileSync(shippedPath(codeDataDir, file)));

describe('shipped code lists', () => {
  test('the HPO file is the official 2015-01-27 release, byte for byte', () => {
    const digest = createHash('sha256').update(shippedBytes(sourceFiles.hpo)).digest('hex');
    expect(digest).toBe('161ce344629dbb54452c0cc00001afc3a34222b6a937ac573203ec72902a5489');
  });

  test('HPO: every term, obsolete ones marked, synonyms and replacements read', () => {
    const hpo = parseHpo(shipped(sourceFiles.hpo));
    expect(hpo.about.release).toBe('releases/2015-01-27');
    expect(hpo.entries).toHaveLength(11_030);
    expect(hpo.entries.filter((entry) => !entry.active)).toHaveLength(58);
    expect(hpo.entries.find((entry) => entry.code === 'HP:0000003')).toEqual({
      code: 'HP:0000003',
      term: 'Multicystic kidney dysplasia',
      synonyms: ['Multicystic dysplastic kidney', 'Multicystic kidneys', 'Multicystic renal dysplasia.'],
      active: true,
      status: 'Current',
      altCodes: ['HP:0004715'],
    });
  });

  test('Orphanet: all 10,839 entities, 9,479 of them active', () => {
    const orphanet = parseOrphanet(shipped(sourceFiles.orphanet));
    expect(orphanet.entries).toHaveLength(10_839);
    expect(orphanet.entries.filter((entry) => entry.active)).toHaveLength(9_479);
    expect(orphanet.entries.find((entry) => entry.code === 'ORPHA:904')).toMatchObject({
      term: 'Williams syndrome',
      synonyms: ['Deletion 7q11.23', 'Monosomy 7q11.23', 'Williams-Beuren syndrome'],
      active: true,
    });
  });

  test('ICD-10-CM: all 95,524 codes written with their dot', () => {
    const icd = parseIcd10cm(shipped(sourceFiles.icd10cm));
    expect(icd.entries).toHaveLength(95_524);
    expect(icd.entries.find((entry) => entry.code === 'Q87.40')).toMatchObject({ term: "Marfan's syndrome, unspecified", status: 'Billable code' });
    expect(icd.entries.filter((entry) => !/^[A-Z]\d[0-9A-Z](\.[0-9A-Z]{1,4})?$/.test(entry.code))).toEqual([]);
  });

  // The source copies live beside the repository (../shared/codes), not in it: skip without them.
  const sourceDir = process.env.CONSILIUM_SHARED_DIR
    ? join(process.env.CONSILIUM_SHARED_DIR, 'codes')
    : resolve(import.meta.dirname, '../../../../shared/codes');
  const haveSources = existsSync(sourceDir);
  if (!haveSources) console.log(`Skipping the rebuild comparison: no source copies at ${sourceDir} (set CONSILIUM_SHARED_DIR)`);

  test.runIf(haveSources)('the derived files equal a rebuild from shared/codes', async () => {
    const derived = await deriveCodeFiles(sourceDir);
    expect(Object.keys(derived).sort()).toEqual(Object.values(sourceFiles).sort());
    for (const [name, content] of Object.entries(derived)) expect(shippedBytes(name).equals(Buffer.from(content)), name).toBe(true);
  });
});
