// Regenerates app/imaging/dictionary/data.ts from innolitics/dicom-standard's attributes.json.
//   npx tsx scripts/imaging/generate-dictionary.ts [path/to/attributes.json]
// Default source: the committed copy in tests/fixtures/standards/ (PS3.6 2024b, MIT).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dictionarySource, type SourceAttribute } from '../../app/imaging/dictionary/generate.ts';

/** The edition of the committed source (innolitics commit 8670abd, "Update standard to rev2024b"). */
export const dictionaryEdition = '2024b';
export const defaultSource = fileURLToPath(new URL('../../tests/fixtures/standards/attributes.json', import.meta.url));
export const target = fileURLToPath(new URL('../../app/imaging/dictionary/data.ts', import.meta.url));

/** The module text for a source file. */
export function generateFrom(path: string): string {
  return dictionarySource(JSON.parse(readFileSync(path, 'utf8')) as SourceAttribute[], dictionaryEdition);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const source = process.argv[2] ?? defaultSource;
  writeFileSync(target, generateFrom(source));
  console.log(`wrote ${target} from ${source}`);
}
