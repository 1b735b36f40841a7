// Reads the shipped code lists and builds their index, once per process and data folder.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CodeCatalogue } from './catalogue.ts';
import { parseHpo, parseIcd10cm, parseOrphanet, sourceFiles } from './sources.ts';

/** Where the shipped lists are (data/README.md). */
export const codeDataDir = resolve(import.meta.dirname, 'data');

/** A shipped list's file on disk: its text gzipped (13 MB of text, 1.8 MB stored). */
export const shippedPath = (dir: string, file: string) => join(dir, `${file}.gz`);

/** The text of a shipped list (e.g. `sourceFiles.hpo`), as its source published it. */
export function readShippedSync(file: string, dir: string = codeDataDir): string {
  return gunzipSync(readFileSync(shippedPath(dir, file))).toString('utf8');
}

/** Reads and indexes the three lists in `dir`. */
export async function loadCodeCatalogue(dir: string = codeDataDir): Promise<CodeCatalogue> {
  const read = async (file: string) => gunzipSync(await readFile(shippedPath(dir, file))).toString('utf8');
  const [orphanet, hpo, icd10cm] = await Promise.all([read(sourceFiles.orphanet), read(sourceFiles.hpo), read(sourceFiles.icd10cm)]);
  return new CodeCatalogue([parseOrphanet(orphanet), parseHpo(hpo), parseIcd10cm(icd10cm)]);
}

const loaded = new Map<string, Promise<CodeCatalogue>>();

/**
 * The catalogue of `dir`, loaded on first use and then shared: it is read-only, so every server in
 * the process (tests start many) can use one copy. A failed load is forgotten, so the next call retries.
 */
export function sharedCodeCatalogue(dir: string = codeDataDir): Promise<CodeCatalogue> {
  let pending = loaded.get(dir);
  if (!pending) {
    pending = loadCodeCatalogue(dir);
    loaded.set(dir, pending);
    pending.catch(() => loaded.delete(dir));
  }
  return pending;
}
