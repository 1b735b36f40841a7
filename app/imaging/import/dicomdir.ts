// Reading a DICOMDIR (PS3.10 8.6, PS3.3 F.5): the files of a DICOM medium (CD, USB stick) that its
// directory records reference, and finding them among the files of the folder the user chose.
import dcmjs from 'dcmjs';

/** The media storage SOP class of a DICOMDIR (Media Storage Directory Storage). */
export const mediaDirectorySopClass = '1.2.840.10008.1.3.10';

/** A DICOMDIR that cannot be read: the import reports it and imports nothing from it. */
export class DicomdirError extends Error {
  constructor(detail: string) {
    super(`DICOMDIR: ${detail}`);
    this.name = 'DicomdirError';
  }
}

/** Is this the name of a DICOMDIR file (any case, as media written on other systems have it)? */
export function isDicomdirName(name: string): boolean {
  return name.split('/').pop()?.toUpperCase() === 'DICOMDIR';
}

/**
 * The files the DICOMDIR's records reference (Referenced File ID), each as its path components
 * relative to the DICOMDIR's folder, in record order and without repeats.
 */
export function dicomdirReferences(bytes: Uint8Array): string[][] {
  let dict: Record<string, { Value?: unknown[] } | undefined>;
  let meta: Record<string, { Value?: unknown[] } | undefined>;
  try {
    const copy = bytes.slice().buffer;
    ({ dict, meta } = dcmjs.data.DicomMessage.readFile(copy));
  } catch {
    throw new DicomdirError('not a readable DICOM file');
  }
  const sopClass = meta['00020002']?.Value?.[0];
  if (sopClass !== undefined && sopClass !== mediaDirectorySopClass) throw new DicomdirError('not a media directory');
  const records = dict['00041220']?.Value;
  if (!Array.isArray(records)) throw new DicomdirError('no directory records');
  const seen = new Set<string>();
  const paths: string[][] = [];
  for (const record of records as Array<Record<string, { Value?: unknown[] } | undefined>>) {
    const components = (record['00041500']?.Value ?? []).map((part) => String(part).trim()).filter((part) => part !== '');
    // Components are plain names (PS3.10 8.5: uppercase letters, digits, underscore); anything that
    // could climb out of the medium's folder is not a file of it.
    if (components.length === 0 || components.some((part) => part === '.' || part === '..' || /[\\/]/.test(part))) continue;
    const key = components.join('/').toUpperCase();
    if (seen.has(key)) continue;
    seen.add(key);
    paths.push(components);
  }
  return paths;
}

/** A file of the chosen folder, by its path relative to the chosen folder (as `webkitRelativePath`). */
export interface FolderEntry {
  readonly path: string;
}

/**
 * Matches the DICOMDIR's references to the folder's files: a reference is looked for next to the
 * DICOMDIR (`dicomdirPath`'s folder), case-insensitively (media are often read on systems that
 * changed the case). Returns the found entries in reference order and the references not found.
 */
export function resolveReferences<T extends FolderEntry>(references: readonly string[][], dicomdirPath: string, entries: readonly T[]): { found: T[]; missing: string[] } {
  const base = dicomdirPath.split('/').slice(0, -1);
  const byPath = new Map(entries.map((entry) => [entry.path.toUpperCase(), entry]));
  const found: T[] = [];
  const missing: string[] = [];
  for (const reference of references) {
    const entry = byPath.get([...base, ...reference].join('/').toUpperCase());
    if (entry) found.push(entry);
    else missing.push(reference.join('/'));
  }
  return { found, missing };
}
