// Regenerates app/imaging/deidentify/profile-table.ts from PS3.15 Table E.1-1 (innolitics JSON):
//   npx tsx scripts/imaging/generate-deid-profile.ts [path/to/confidentiality_profile_attributes.json]
// (default: the copy committed in tests/fixtures/standards/).
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { renderProfileTable } from './deid-profile-source.ts';

export const profileSourcePath = fileURLToPath(new URL('../../tests/fixtures/standards/confidentiality_profile_attributes.json', import.meta.url));
export const profileTablePath = fileURLToPath(new URL('../../app/imaging/deidentify/profile-table.ts', import.meta.url));
export const profileEdition = '2024b';

const source = process.argv[2] ?? profileSourcePath;
await writeFile(profileTablePath, renderProfileTable(await readFile(source, 'utf8'), profileEdition));
console.log(`wrote ${profileTablePath}`);
