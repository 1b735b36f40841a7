// The import list's model: what each file of an import is going through, why one was not stored,
// and the per-study and overall counts the progress bars show. Pure; the renderer drives it.
import type { DeidentifyErrorCode, RedactionReason } from '../deidentify/index.ts';
import type { StowRefusal } from './stow.ts';

/**
 * A file's way through the import: waiting → preparing (read and de-identified) → held (waits for
 * the user's masks) or ready → uploading → stored | duplicate; failed at any step; cancelled
 * when the user stopped the import before it was sent.
 */
export type ItemStatus = 'waiting' | 'preparing' | 'held' | 'ready' | 'uploading' | 'stored' | 'duplicate' | 'failed' | 'cancelled' | 'skipped';

/** Why a file was not stored, for the sentence the import list shows (en.imaging.import.problems). */
export type ItemProblem =
  | { readonly kind: 'deidentify'; readonly code: DeidentifyErrorCode }
  | { readonly kind: 'refused'; readonly reason: StowRefusal }
  | { readonly kind: 'residue' }
  | { readonly kind: 'too_large'; readonly limitMb: number }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'retrieve' }
  | { readonly kind: 'no_study' }
  | { readonly kind: 'upload' };

export interface ImportItem {
  readonly key: number;
  /** The file's name or path in the chosen folder, or the PACS instance's place. */
  readonly name: string;
  readonly size: number;
  status: ItemStatus;
  /** The new (de-identified) Study Instance UID, once known: items are grouped by it. */
  studyUid?: string;
  /** The new SOP Instance UID, once known. */
  sopUid?: string;
  modality?: string;
  heldReason?: RedactionReason;
  problem?: ItemProblem;
}

/** Statuses after which nothing more happens to an item. */
export const finalStatuses: ReadonlySet<ItemStatus> = new Set(['stored', 'duplicate', 'failed', 'cancelled', 'skipped']);

export interface StudyProgress {
  readonly studyUid: string;
  readonly modalities: string[];
  /** Items de-identified into this study. */
  readonly total: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly held: number;
  /** Items with a final status. */
  readonly done: number;
}

/** Per study (in the order studies first appeared), what became of its instances so far. */
export function studyProgress(items: readonly ImportItem[]): StudyProgress[] {
  const studies = new Map<string, { modalities: Set<string>; items: ImportItem[] }>();
  for (const item of items) {
    if (!item.studyUid) continue;
    let study = studies.get(item.studyUid);
    if (!study) studies.set(item.studyUid, (study = { modalities: new Set(), items: [] }));
    study.items.push(item);
    if (item.modality) study.modalities.add(item.modality);
  }
  return [...studies].map(([studyUid, { modalities, items: own }]) => ({
    studyUid,
    modalities: [...modalities].sort(),
    total: own.length,
    stored: own.filter((i) => i.status === 'stored').length,
    duplicates: own.filter((i) => i.status === 'duplicate').length,
    failed: own.filter((i) => i.status === 'failed').length,
    held: own.filter((i) => i.status === 'held').length,
    done: own.filter((i) => finalStatuses.has(i.status)).length,
  }));
}

export interface ImportCounts {
  readonly total: number;
  readonly done: number;
  readonly stored: number;
  readonly duplicates: number;
  readonly failed: number;
  readonly held: number;
  readonly cancelled: number;
}

/** Counts over the whole import. */
export function importCounts(items: readonly ImportItem[]): ImportCounts {
  const count = (status: ItemStatus) => items.filter((i) => i.status === status).length;
  return {
    total: items.length,
    done: items.filter((i) => finalStatuses.has(i.status)).length,
    stored: count('stored'),
    duplicates: count('duplicate'),
    failed: count('failed'),
    held: count('held'),
    cancelled: count('cancelled'),
  };
}
