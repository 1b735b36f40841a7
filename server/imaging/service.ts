// The DICOMweb store's decisions: what a caller may search and retrieve, and how (storing is in
// storing.ts): QIDO candidates within the caller's readable patients, WADO instances, metadata, frames.
import type { BlobStore } from '../blobs/store.ts';
import type { Clock } from '../clock.ts';
import type { Caller } from '../identity/service.ts';
import type { ImagingAccess } from './access.ts';
import { type FrameIndex, frameBytes, frameIndex } from './dicom/frames.ts';
import { locateInflatedFrames } from './dicom/instance.ts';
import { instanceJson, type JsonDataset } from './dicom/json.ts';
import { KeyedLock } from './locks.ts';
import type { ImagingRepo, InstanceRow, InstanceWithParents, Scope, SeriesWithStudy, StudyWithCounts } from './repo.ts';
import { type BatchResult, type ImagingLimits, InstanceStoring } from './storing.ts';

export { failureReasons, type ImagingLimits, type StoreOutcome } from './storing.ts';

export interface ImagingDeps {
  readonly repo: ImagingRepo;
  readonly blobs: BlobStore;
  readonly access: ImagingAccess;
  readonly clock: Clock;
  readonly limits: ImagingLimits;
}

/** Where a WADO request points: a study, a series of it, or an instance of that. */
export interface Target {
  readonly studyUid: string;
  readonly seriesUid?: string | undefined;
  readonly sopUid?: string | undefined;
}

/**
 * Multi-frame instances recently read, decrypted, up to this many bytes: a viewer asks for their
 * frames one request at a time, and each would otherwise decrypt and verify the whole instance.
 */
const multiFrameCacheBytes = 256 * 1024 * 1024;

export class ImagingService {
  readonly #d: ImagingDeps;
  readonly #storing: InstanceStoring;
  /** blobId -> bytes, least recently used first (Map keeps insertion order). */
  readonly #multiFrame = new Map<string, Buffer>();
  #multiFrameBytes = 0;

  constructor(deps: ImagingDeps) {
    this.#d = deps;
    this.#storing = new InstanceStoring({ ...deps, locks: new KeyedLock() });
  }

  get limits(): ImagingLimits {
    return this.#d.limits;
  }

  /** Stores the instances of (part of) a STOW-RS request: see InstanceStoring. */
  storeBatch(caller: Caller, items: readonly Buffer[], studyUid: string | undefined): Promise<BatchResult> {
    return this.#storing.storeBatch(caller, items, studyUid);
  }

  async #scope(caller: Caller, narrowing: Omit<Scope, 'patientKeys'>): Promise<Scope> {
    return { ...narrowing, patientKeys: await this.#d.access.readablePatientKeys(caller) };
  }

  /** The studies the caller may read, narrowed by UIDs (QIDO matching is applied by the caller). */
  async studies(caller: Caller, narrowing: Omit<Scope, 'patientKeys'>): Promise<StudyWithCounts[]> {
    return this.#d.repo.studies(await this.#scope(caller, narrowing));
  }

  async series(caller: Caller, narrowing: Omit<Scope, 'patientKeys'>): Promise<SeriesWithStudy[]> {
    return this.#d.repo.series(await this.#scope(caller, narrowing));
  }

  async instances(caller: Caller, narrowing: Omit<Scope, 'patientKeys'>): Promise<InstanceWithParents[]> {
    return this.#d.repo.instances(await this.#scope(caller, narrowing));
  }

  /** The instances of a WADO target the caller may read; empty when none (or none allowed): 404. */
  async target(caller: Caller, target: Target): Promise<InstanceRow[]> {
    if (target.sopUid && target.seriesUid) {
      // One instance (frames, the viewer's most frequent request): by its UID, then the access check.
      const one = await this.#d.repo.findInstance(target.sopUid);
      if (!one || one.seriesInstanceUid !== target.seriesUid || one.studyInstanceUid !== target.studyUid) return [];
      return (await this.#d.access.canRead(caller, one.patientId)) ? [one] : [];
    }
    return this.instances(caller, {
      studyUids: [target.studyUid],
      ...(target.seriesUid ? { seriesUids: [target.seriesUid] } : {}),
      ...(target.sopUid ? { sopUids: [target.sopUid] } : {}),
    });
  }

  async #readMultiFrame(blobId: string): Promise<Buffer> {
    const cached = this.#multiFrame.get(blobId);
    if (cached) {
      this.#multiFrame.delete(blobId);
      this.#multiFrame.set(blobId, cached);
      return cached;
    }
    const bytes = await this.#d.blobs.read(blobId);
    // Read meanwhile by another request, or too large to keep: nothing to add.
    if (this.#multiFrame.has(blobId) || bytes.length > multiFrameCacheBytes / 4) return bytes;
    this.#multiFrame.set(blobId, bytes);
    this.#multiFrameBytes += bytes.length;
    for (const [id, old] of this.#multiFrame) {
      if (this.#multiFrameBytes <= multiFrameCacheBytes) break;
      this.#multiFrame.delete(id);
      this.#multiFrameBytes -= old.length;
    }
    return bytes;
  }

  /** The stored bytes of an instance. */
  read(instance: Pick<InstanceRow, 'blobId'>): Promise<Buffer> {
    return this.#d.blobs.read(instance.blobId);
  }

  /** The header of an instance as DICOM JSON, bulk data by URI. */
  async metadata(instance: InstanceRow, bulkDataUri: (tag: string) => string): Promise<JsonDataset> {
    const bytes = await this.read(instance);
    const pixelVr = instance.frames === null ? undefined : instance.transferSyntaxUid.startsWith('1.2.840.10008.1.2.4') || instance.transferSyntaxUid === '1.2.840.10008.1.2.5' || (instance.bitsAllocated ?? 8) <= 8 ? 'OB' : 'OW';
    return instanceJson(bytes, bulkDataUri, pixelVr);
  }

  /**
   * The requested frames (numbers from 1) of an instance, as stored; undefined when the instance
   * has no pixel data or a number is past its last frame.
   */
  async frames(instance: InstanceRow, numbers: readonly number[]): Promise<Buffer[] | undefined> {
    if (instance.frames === null) return undefined;
    let index: FrameIndex = frameIndex.parse(JSON.parse(instance.frames));
    let bytes: Uint8Array = (instance.numberOfFrames ?? 1) > 1 ? await this.#readMultiFrame(instance.blobId) : await this.read(instance);
    if (index.kind === 'inflate') {
      const inflated = locateInflatedFrames(bytes);
      if (!inflated) return undefined;
      ({ bytes, frames: index } = inflated);
    }
    const located = index;
    const frames = numbers.map((number) => frameBytes(bytes, located, number));
    return frames.every((frame) => frame !== undefined) ? (frames as Buffer[]) : undefined;
  }
}
