// What the user chose, as import sources: files and folders of the disk (a DICOMDIR's references
// only, when the user chose a medium), and the instances of a PACS study.
import { DicomdirError, dicomdirReferences, isDicomdirName, resolveReferences } from '../../../app/imaging/import/dicomdir.ts';
import type { PacsInstance } from '../../../app/imaging/import/pacs.ts';
import { retrieveInstance } from './pacs.ts';
import type { ImportSource, RefusedSource } from './useImagingImport.ts';

const pathOf = (file: File) => file.webkitRelativePath || file.name;

function fromFile(file: File): ImportSource {
  return { name: pathOf(file), size: file.size, origin: 'disk', read: () => file.arrayBuffer() };
}

/** Chosen files, or every file of a chosen folder (its DICOMDIR, an index rather than an image, left out). */
export function fileSources(files: readonly File[]): ImportSource[] {
  return files.filter((file) => !isDicomdirName(pathOf(file))).map(fromFile);
}

/** Why a folder chosen as a medium cannot be imported that way. */
export type DicomdirProblem = 'noDicomdir' | 'badDicomdir';

/**
 * The files a chosen folder's DICOMDIR references (the shallowest DICOMDIR, if there are several),
 * and those it references but the folder lacks.
 */
export async function dicomdirSources(files: readonly File[]): Promise<{ sources: ImportSource[]; refused: RefusedSource[] } | DicomdirProblem> {
  const dicomdir = files.filter((file) => isDicomdirName(pathOf(file))).sort((a, b) => pathOf(a).split('/').length - pathOf(b).split('/').length)[0];
  if (!dicomdir) return 'noDicomdir';
  let references: string[][];
  try {
    references = dicomdirReferences(new Uint8Array(await dicomdir.arrayBuffer()));
  } catch (error) {
    if (error instanceof DicomdirError) return 'badDicomdir';
    throw error;
  }
  const entries = files.map((file) => ({ path: pathOf(file), file }));
  const { found, missing } = resolveReferences(references, pathOf(dicomdir), entries);
  return { sources: found.map((entry) => fromFile(entry.file)), refused: missing.map((name) => ({ name, problem: { kind: 'missing' } })) };
}

/** The instances of a PACS study, each retrieved (WADO-RS) when its turn comes. */
export function pacsSources(base: string, instances: readonly PacsInstance[]): ImportSource[] {
  return instances.map((instance, i) => ({ name: `PACS ${i + 1}/${instances.length}`, size: 0, origin: 'pacs', read: () => retrieveInstance(base, instance) }));
}
