// The imaging import's pipeline on the workstation (SPEC IM-1, IM-2): read each file → de-identify it
// in the Web Worker → STOW-RS in batches with progress. Held images wait for the user's masks; Cancel
// stops reading and sending (the request on its way finishes, so what is stored is known and whole).
import { computed, onBeforeUnmount, reactive, ref } from 'vue';
import type { DatePolicy, Mask } from '../../../app/imaging/deidentify/index.ts';
import { Batcher } from '../../../app/imaging/import/batches.ts';
import { type ImportItem, type ItemProblem, importCounts, studyProgress } from '../../../app/imaging/import/items.ts';
import type { ReviewImage } from '../../../app/imaging/import/review-image.ts';
import { HttpError } from '../../api/http.ts';
import { storeInstances } from './stow.ts';
import { DeidentifyWorker, type WorkerReply } from './worker-messages.ts';

/** Something to import: a file of the disk, or an instance of a PACS. Read again when masks are drawn. */
export interface ImportSource {
  readonly name: string;
  readonly size: number;
  /** Where it comes from, for the words of a failure to read it. */
  readonly origin: 'disk' | 'pacs';
  read(): Promise<ArrayBuffer>;
}

/** A file the import could not even start with (e.g. referenced by a DICOMDIR but not in the folder). */
export interface RefusedSource {
  readonly name: string;
  readonly problem: ItemProblem;
}

export interface PseudonymOf {
  readonly nickname: string;
  readonly pseudonymousId: string;
}

interface Ready {
  readonly item: ImportItem;
  readonly sopUid: string;
  readonly bytes: Uint8Array;
  readonly size: number;
}

const mebibyte = 1024 * 1024;
let nextKey = 0;
let nextImport = 0;

export function useImagingImport(patient: () => PseudonymOf, maxInstanceBytes: () => number, dates: () => DatePolicy) {
  const items = ref<ImportItem[]>([]);
  const running = ref(false);
  const cancelling = ref(false);
  /** Bytes of the request being sent, and its size. */
  const sending = reactive({ sent: 0, total: 0 });
  const sources = new Map<number, { source: ImportSource; importId: number }>();
  const storedSops = new Map<number, Set<string>>();
  let worker: DeidentifyWorker | undefined;
  let uploading: Promise<void> = Promise.resolve();
  const workerOf = () => (worker ??= new DeidentifyWorker());
  onBeforeUnmount(() => worker?.terminate());

  function push(item: ImportItem): ImportItem {
    items.value.push(item);
    // The reactive proxy, so that changes show.
    return items.value[items.value.length - 1] as ImportItem;
  }

  function fail(item: ImportItem, problem: ItemProblem): void {
    Object.assign(item, { status: 'failed', problem });
  }

  async function send(batch: Ready[]): Promise<void> {
    for (const r of batch) r.item.status = 'uploading';
    Object.assign(sending, { sent: 0, total: batch.reduce((sum, r) => sum + r.size, 0) });
    try {
      const results = await storeInstances(batch, (sent, total) => Object.assign(sending, { sent, total }));
      for (const r of batch) {
        const result = results.get(r.sopUid);
        if (result?.status === 'stored') r.item.status = 'stored';
        else if (result?.status === 'duplicate') r.item.status = 'duplicate';
        else fail(r.item, { kind: 'refused', reason: result?.status === 'refused' ? result.reason : 'no_answer' });
      }
    } catch (error) {
      for (const r of batch) fail(r.item, error instanceof HttpError && error.error.code === 'file_too_large' ? { kind: 'too_large', limitMb: Math.floor(maxInstanceBytes() / mebibyte) } : { kind: 'upload' });
    } finally {
      Object.assign(sending, { sent: 0, total: 0 });
    }
  }

  /** Queues a full batch behind the one being sent: one request on its way, one being filled. */
  async function queue(batch: Ready[]): Promise<void> {
    await uploading;
    uploading = send(batch);
  }

  /** De-identifies one item's bytes; returns what is ready to send, or undefined (held, failed, duplicate). */
  async function prepare(item: ImportItem, importId: number, bytes: ArrayBuffer, masks?: Mask[]): Promise<Ready | undefined> {
    const size = bytes.byteLength;
    const { nickname, pseudonymousId } = patient();
    // Plain copies: reactive proxies cannot be posted to a worker.
    const plainMasks = masks?.map((m) => ({ x: m.x, y: m.y, width: m.width, height: m.height, ...(m.frame === undefined ? {} : { frame: m.frame }) }));
    const reply: WorkerReply = await workerOf().ask({ type: 'prepare', importId, bytes, nickname, pseudonymousId, dates: dates(), maxBytes: maxInstanceBytes(), ...(plainMasks ? { masks: plainMasks } : {}) });
    if (reply.type === 'failed') return void fail(item, reply.problem);
    if (reply.type !== 'held' && reply.type !== 'deidentified') return void fail(item, { kind: 'upload' });
    Object.assign(item, { sopUid: reply.sopUid, ...(reply.studyUid ? { studyUid: reply.studyUid } : {}), ...(reply.modality ? { modality: reply.modality } : {}) });
    if (reply.type === 'held') return void Object.assign(item, { status: 'held', heldReason: reply.reason });
    if (!reply.studyUid) return void fail(item, { kind: 'no_study' });
    // The same instance twice in one import (UIDs map the same way): sent once, reported as a duplicate.
    const seen = storedSops.get(importId) ?? new Set<string>();
    storedSops.set(importId, seen);
    if (seen.has(reply.sopUid)) return void (item.status = 'duplicate');
    seen.add(reply.sopUid);
    item.status = 'ready';
    return { item, sopUid: reply.sopUid, bytes: new Uint8Array(reply.bytes), size };
  }

  /** Imports the sources one after another; resolves when everything sendable has been sent. */
  async function start(chosen: readonly ImportSource[], refused: readonly RefusedSource[] = []): Promise<void> {
    if (running.value) return;
    const importId = nextImport++;
    for (const r of refused) push({ key: nextKey++, name: r.name, size: 0, status: 'failed', problem: r.problem });
    const entries = chosen.map((source) => {
      const item = push({ key: nextKey++, name: source.name, size: source.size, status: 'waiting' });
      sources.set(item.key, { source, importId });
      return { item, source };
    });
    running.value = true;
    cancelling.value = false;
    const batcher = new Batcher<Ready>();
    try {
      for (const { item, source } of entries) {
        if (cancelling.value) break;
        if (source.size > maxInstanceBytes()) {
          fail(item, { kind: 'too_large', limitMb: Math.floor(maxInstanceBytes() / mebibyte) });
          continue;
        }
        item.status = 'preparing';
        let bytes: ArrayBuffer;
        try {
          bytes = await source.read();
        } catch {
          fail(item, { kind: source.origin === 'pacs' ? 'retrieve' : 'unreadable' });
          continue;
        }
        const ready = await prepare(item, importId, bytes);
        const full = ready && batcher.add(ready);
        if (full) await queue(full);
      }
      const rest = batcher.take();
      if (cancelling.value) for (const r of rest) r.item.status = 'cancelled';
      else if (rest.length > 0) await queue(rest);
      for (const { item } of entries) if (item.status === 'waiting') item.status = 'cancelled';
      await uploading;
    } finally {
      running.value = false;
      cancelling.value = false;
    }
  }

  /** Stops reading and sending; the request already on its way completes and its outcome is shown. */
  function cancel(): void {
    if (running.value) cancelling.value = true;
  }

  /** The held image, decoded for the masking tool. */
  async function reviewImage(item: ImportItem, frame = 0): Promise<ReviewImage | undefined> {
    const entry = sources.get(item.key);
    if (!entry) return undefined;
    const reply = await workerOf().ask({ type: 'review', bytes: await entry.source.read(), frame });
    if (reply.type === 'review') return reply.image;
    if (reply.type === 'failed') fail(item, reply.problem);
    return undefined;
  }

  /** De-identifies a held image with the user's masks (none: "nothing to mask") and sends it. */
  async function release(item: ImportItem, masks: Mask[]): Promise<void> {
    const entry = sources.get(item.key);
    if (!entry || item.status !== 'held') return;
    item.status = 'preparing';
    let bytes: ArrayBuffer;
    try {
      bytes = await entry.source.read();
    } catch {
      return fail(item, { kind: entry.source.origin === 'pacs' ? 'retrieve' : 'unreadable' });
    }
    const ready = await prepare(item, entry.importId, bytes, masks);
    if (ready) await queue([ready]);
    await uploading;
  }

  /** Drops finished items from the list (held ones stay until masked). */
  function clearFinished(): void {
    items.value = items.value.filter((item) => !['stored', 'duplicate', 'failed', 'cancelled', 'skipped'].includes(item.status));
    for (const key of [...sources.keys()]) if (!items.value.some((item) => item.key === key)) sources.delete(key);
  }

  const studies = computed(() => studyProgress(items.value));
  const counts = computed(() => importCounts(items.value));
  const held = computed(() => items.value.filter((item) => item.status === 'held'));
  return { items, running, cancelling, sending, studies, counts, held, start, cancel, reviewImage, release, clearFinished };
}
