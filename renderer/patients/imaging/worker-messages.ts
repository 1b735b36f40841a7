// The messages between the import and its Web Worker (worker.ts), and the page's side of it:
// one worker per import, a promise per request.
import type { DatePolicy, Mask, RedactionReason } from '../../../app/imaging/deidentify/index.ts';
import type { ItemProblem } from '../../../app/imaging/import/items.ts';
import type { ReviewImage } from '../../../app/imaging/import/review-image.ts';

export interface PrepareRequest {
  readonly id: number;
  readonly type: 'prepare';
  readonly importId: number;
  readonly bytes: ArrayBuffer;
  readonly nickname: string;
  readonly pseudonymousId: string;
  readonly dates: DatePolicy;
  readonly maxBytes: number;
  readonly masks?: Mask[];
}

export type WorkerRequest =
  | PrepareRequest
  | { readonly id: number; readonly type: 'review'; readonly bytes: ArrayBuffer; readonly frame: number }
  | { readonly id: number; readonly type: 'end'; readonly importId: number };

interface Uids {
  readonly studyUid?: string | undefined;
  readonly sopUid: string;
  readonly modality?: string;
}

export type WorkerReply =
  | ({ readonly id: number; readonly type: 'deidentified'; readonly bytes: ArrayBuffer } & Uids)
  | ({ readonly id: number; readonly type: 'held'; readonly reason: RedactionReason; readonly frames: number } & Uids)
  | { readonly id: number; readonly type: 'failed'; readonly problem: ItemProblem }
  | { readonly id: number; readonly type: 'review'; readonly image: ReviewImage }
  | { readonly id: number; readonly type: 'ended' };

type Ask<R extends WorkerRequest> = R extends unknown ? Omit<R, 'id'> : never;

/** The page's handle on the worker: each request answered by its reply. */
export class DeidentifyWorker {
  readonly #worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  readonly #pending = new Map<number, (reply: WorkerReply) => void>();
  #next = 0;

  constructor() {
    this.#worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      this.#pending.get(event.data.id)?.(event.data);
      this.#pending.delete(event.data.id);
    };
  }

  /** Sends a request; the bytes are handed over (transferred), not copied. */
  ask(request: Ask<WorkerRequest>): Promise<WorkerReply> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      try {
        this.#worker.postMessage({ ...request, id }, 'bytes' in request ? [request.bytes] : []);
      } catch {
        // Something that cannot be posted: a fault of ours, reported on the file rather than hanging.
        this.#pending.delete(id);
        resolve({ id, type: 'failed', problem: { kind: 'deidentify', code: 'invalid_options' } });
      }
    });
  }

  terminate(): void {
    this.#worker.terminate();
  }
}
