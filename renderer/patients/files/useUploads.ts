// Uploads chosen by the user, one after another, each with its progress and its own outcome: a
// refused file does not stop the others.
import { computed, ref } from 'vue';
import type { FilePurpose, PatientFileView } from '../../../app/patients/files.ts';
import type { UserFacingError } from '../../api/errors.ts';
import { HttpError } from '../../api/http.ts';
import { uploadFile } from './transfer.ts';

export interface UploadItem {
  readonly key: number;
  readonly name: string;
  readonly size: number;
  sent: number;
  state: 'waiting' | 'uploading' | 'done' | 'failed';
  error?: UserFacingError;
}

let nextKey = 0;
const mebibyte = 1024 * 1024;

/** Checks the server would make anyway, made first so that a file far too large is not sent at all. */
function refusedBeforeSending(file: File, maxBytes: number): UserFacingError | undefined {
  if (file.size === 0) return { code: 'file_empty', details: {}, fields: {} };
  if (file.size > maxBytes) return { code: 'file_too_large', details: { limitMb: Math.floor(maxBytes / mebibyte) }, fields: {} };
  return undefined;
}

export function useUploads(patientId: () => string, maxBytes: () => number, uploaded: (file: PatientFileView) => void) {
  const items = ref<UploadItem[]>([]);
  let queue: Promise<void> = Promise.resolve();

  async function send(item: UploadItem, file: File, purpose: FilePurpose): Promise<void> {
    const refused = refusedBeforeSending(file, maxBytes());
    if (refused) {
      Object.assign(item, { state: 'failed', error: refused });
      return;
    }
    item.state = 'uploading';
    try {
      const view = await uploadFile(patientId(), file, { purpose, onProgress: (sent) => (item.sent = Math.min(sent, item.size)) });
      Object.assign(item, { state: 'done', sent: item.size });
      uploaded(view);
    } catch (error) {
      Object.assign(item, { state: 'failed', error: error instanceof HttpError ? error.error : { code: 'internal', details: {}, fields: {} } });
    }
  }

  /** Queues the files; each is sent when the one before it is done. */
  function add(files: Iterable<File>, purpose: FilePurpose = 'document'): Promise<void> {
    for (const file of files) {
      items.value.push({ key: nextKey++, name: file.name, size: file.size, sent: 0, state: 'waiting' });
      // The reactive proxy, so that progress shows as it changes.
      const item = items.value[items.value.length - 1] as UploadItem;
      queue = queue.then(() => send(item, file, purpose));
    }
    return queue;
  }

  function clearFinished(): void {
    items.value = items.value.filter((item) => item.state === 'waiting' || item.state === 'uploading');
  }

  const finished = computed(() => items.value.some((item) => item.state === 'done' || item.state === 'failed'));
  return { items, add, clearFinished, finished };
}
