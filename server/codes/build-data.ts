// Derives the shipped code lists in server/codes/data/ from the project's source copies in
// ../shared/codes (see data/README.md): `npm run codes:data [-- <source dir>]`, each gzipped. HPO is kept byte for
// byte; Orphanet and ICD-10-CM keep only the columns the product uses, values unchanged.
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { shippedPath } from './load.ts';

/** Where the source copies live: CONSILIUM_SHARED_DIR/codes, or the project's shared folder beside the repository. */
export const defaultSourceDir = process.env.CONSILIUM_SHARED_DIR
  ? resolve(process.env.CONSILIUM_SHARED_DIR, 'codes')
  : resolve(import.meta.dirname, '../../../shared/codes');
export const dataDir = resolve(import.meta.dirname, 'data');

/** The derived files, by name, from the source folder's contents. Pure, so a test can compare. */
export async function deriveCodeFiles(sourceDir: string): Promise<Record<string, string | Buffer>> {
  const orphanet = await readFile(join(sourceDir, 'orphanet/orphanet_nomenclature_en_2023.tsv'), 'utf8');
  const icd = await readFile(join(sourceDir, 'icd10cm/icd10cm_order_2022.tsv'), 'utf8');
  // HPO is shipped as published: its licence forbids altering the content.
  const hpo = await readFile(join(sourceDir, 'hpo/hp-2015-01-27.obo'));
  return { 'orphanet-nomenclature-en-2023.tsv': deriveOrphanet(orphanet), 'icd10cm-2022.tsv': deriveIcd10cm(icd), 'hp-2015-01-27.obo': hpo };
}

function rows(tsv: string): { header: string[]; rows: string[][] } {
  const [head = '', ...lines] = tsv.split('\n').filter((line) => line !== '');
  return { header: head.split('\t'), rows: lines.map((line) => line.split('\t')) };
}

function column(header: string[], name: string): number {
  const at = header.indexOf(name);
  if (at < 0) throw new Error(`Source file has no column ${name}`);
  return at;
}

/** Orphanet: code, preferred term, status, level, type, synonyms, and the code an inactive one moved to. */
function deriveOrphanet(tsv: string): string {
  const { header, rows: lines } = rows(tsv);
  const at = (name: string) => column(header, name);
  const [code, term, status, level, type, synonyms, associations] = [
    at('orpha_code'), at('preferred_term'), at('status'), at('classification_level'), at('disorder_type'), at('synonyms'), at('associations'),
  ];
  const out = ['orpha_code\tpreferred_term\tstatus\tclassification_level\tdisorder_type\tsynonyms\tsuccessor'];
  for (const row of lines) {
    // "Moved to ORPHA:166063" / "Referred to ORPHA:..." on inactive codes: the code to use instead.
    const successor = /(?:Moved|Referred) to ORPHA:(\d+)/.exec(row[associations] ?? '')?.[1] ?? '';
    out.push([row[code], row[term], row[status], row[level], row[type], row[synonyms], successor].join('\t'));
  }
  return `${out.join('\n')}\n`;
}

/** ICD-10-CM: the code with its dot (A00.0), whether it is billable (a leaf), and the full title. */
function deriveIcd10cm(tsv: string): string {
  const { header, rows: lines } = rows(tsv);
  const [code, billable, title] = [column(header, 'code'), column(header, 'valid_billing_code'), column(header, 'long_description')];
  const out = ['code\tbillable\ttitle'];
  for (const row of lines) {
    const compact = row[code] ?? '';
    const dotted = compact.length > 3 ? `${compact.slice(0, 3)}.${compact.slice(3)}` : compact;
    out.push([dotted, row[billable], row[title]].join('\t'));
  }
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const sourceDir = resolve(process.argv[2] ?? defaultSourceDir);
  for (const [name, content] of Object.entries(await deriveCodeFiles(sourceDir))) {
    const stored = gzipSync(content, { level: 9 });
    await writeFile(shippedPath(dataDir, name), stored);
    console.log(`wrote ${name}.gz (${(Buffer.byteLength(content) / 1e6).toFixed(1)} MB of text, ${(stored.length / 1e6).toFixed(1)} MB stored)`);
  }
}

if (process.argv[1] === import.meta.filename) await main();
