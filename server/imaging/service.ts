// The DICOMweb store's decisions: what a STOW-RS instance must satisfy to be stored (and how it is
// stored: blob first, then index rows, nothing half-done), and what a caller may search and retrieve.
import { randomUUID } from 'node:crypto';
import type { BlobStore } from '../blobs/store.ts';
import { BlobError } from '../blobs/store.ts';
import type { Clock } from '../clock.ts';
import type { Caller } from '../identity/service.ts';
import type { ImagingAccess } from './access.ts';
import { type FrameIndex, frameBytes, frameIndex } from './dicom/frames.ts';
import { DicomParseError, locateInflatedFrames, type ParsedInstance, parseInstance } from './dicom/instance.ts';
import { instanceJson, type JsonDataset } from './dicom/json.ts';
import { KeyedLock } from './locks.ts';
import type { ImagingRepo, InstanceRow, InstanceWithParents, Scope, SeriesWithStudy, StudyWithCounts } from './repo.ts';

/**
 * STOW-RS failure reasons (PS3.18 Table 10.5.3-? / PS3.4 B.2.3, PS3.7 C): the code sent in the
 * FailedSOPSequence item of an instance that was not stored.
 */
export const failureReasons = {
  /** Processing failure: storage failed (e.g. the disk); retrying may succeed. */
  processingFailure: 0x0110,
  /** Duplicate SOP Instance: the UID is stored with other content; stored instances never change. */
  duplicate: 0x0111,
  /** Refused, not authorised: not de-identified, or the patient's images belong to someone else. */
  notAuthorized: 0x0124,
  /** Refused, out of resources: the instance or its study passes the configured size limit. */
  outOfResources: 0xa700,
  /** Data set does not match: another study than the request's, or a study/series of another patient. */
  doesNotMatch: 0xa900,
  /** Cannot understand: not a readable DICOM Part 10 instance, or no PatientID. */
  cannotUnderstand: 0xc000,
} as const;

export type StoreOutcome =
  | { readonly ok: true; readonly sopClassUid: string; readonly sopInstanceUid: string; readonly studyInstanceUid: string; readonly seriesInstanceUid: string }
  | { readonly ok: false; readonly reason: number; readonly sopClassUid?: string; readonly sopInstanceUid?: string };

export interface ImagingLimits {
  readonly maxInstanceBytes: number;
  readonly maxStudyBytes: number;
}

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

export class ImagingService {
  readonly #d: ImagingDeps;
  readonly #locks = new KeyedLock();

  constructor(deps: ImagingDeps) {
    this.#d = deps;
  }

  get limits(): ImagingLimits {
    return this.#d.limits;
  }

  /**
   * Stores one instance of a STOW-RS request (`studyUid`: the study the request was sent to, if any).
   * Never throws for the instance's own faults: the outcome says why it was refused.
   */
  async store(caller: Caller, bytes: Buffer, studyUid: string | undefined): Promise<StoreOutcome> {
    let parsed: ParsedInstance;
    try {
      parsed = parseInstance(bytes);
    } catch (error) {
      if (error instanceof DicomParseError) return { ok: false, reason: failureReasons.cannotUnderstand };
      throw error;
    }
    const uids = { sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid };
    const refuse = (reason: number): StoreOutcome => ({ ok: false, reason, ...uids });
    // Defence in depth: the workstation de-identifies before upload; anything else is refused.
    if (!parsed.patientIdentityRemoved) return refuse(failureReasons.notAuthorized);
    if (studyUid !== undefined && parsed.studyInstanceUid !== studyUid) return refuse(failureReasons.doesNotMatch);
    const patientKey = parsed.study.patientId;
    if (!patientKey) return refuse(failureReasons.cannotUnderstand);
    if (bytes.length > this.#d.limits.maxInstanceBytes) return refuse(failureReasons.outOfResources);

    // One store per SOP Instance UID at a time: equal bytes have equal UIDs, so under this lock no other
    // row can come to refer to the blob written here, and deleting it on failure is safe.
    return this.#locks.run([`sop:${parsed.sopInstanceUid}`], async () => {
      const refused = await this.#check(caller, parsed, bytes);
      if (refused) return refused;
      // The blob first (outside the patient's lock: blobs of one study are written in parallel), then
      // the index: a failure in between deletes the blob; a crash leaves one that no answer reaches.
      const blob = await this.#d.blobs.put(bytes, this.#d.limits.maxInstanceBytes);
      let outcome: StoreOutcome;
      try {
        // Checked again under the patient's lock: access, study consistency and size hold at insert.
        outcome = await this.#locks.run([`patient:${patientKey}`], async () => {
          const late = await this.#check(caller, parsed, bytes);
          if (late) return late;
          await this.#d.repo.insertInstance(this.#newRows(caller, parsed, blob.id, blob.size));
          return { ok: true, ...uids, studyInstanceUid: parsed.studyInstanceUid, seriesInstanceUid: parsed.seriesInstanceUid };
        });
      } catch (error) {
        await this.#d.blobs.delete(blob.id).catch(() => undefined);
        throw error;
      }
      if (!outcome.ok) await this.#d.blobs.delete(blob.id).catch(() => undefined);
      return outcome;
    });
  }

  /**
   * Why an instance may not be stored now (access, duplicates, study consistency, size), or undefined
   * when it may. An identical instance already stored is a success, with nothing to write.
   */
  async #check(caller: Caller, parsed: ParsedInstance, bytes: Buffer): Promise<StoreOutcome | undefined> {
    const { repo, access } = this.#d;
    const uids = { sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid };
    const refuse = (reason: number): StoreOutcome => ({ ok: false, reason, ...uids });
    const patientKey = parsed.study.patientId;
    if (!(await access.canUpload(caller, patientKey))) return refuse(failureReasons.notAuthorized);
    const existing = await repo.findInstance(parsed.sopInstanceUid);
    if (existing) {
      if (!(await access.canRead(caller, existing.series.study.patientId))) return refuse(failureReasons.notAuthorized);
      return (await this.#sameContent(existing, bytes))
        ? { ok: true, ...uids, studyInstanceUid: existing.series.study.studyInstanceUid, seriesInstanceUid: existing.series.seriesInstanceUid }
        : refuse(failureReasons.duplicate);
    }
    const study = await repo.findStudy(parsed.studyInstanceUid);
    if (study && study.patientId !== patientKey) return refuse((await access.canRead(caller, study.patientId)) ? failureReasons.doesNotMatch : failureReasons.notAuthorized);
    const series = await repo.findSeries(parsed.seriesInstanceUid);
    if (series && series.study.studyInstanceUid !== parsed.studyInstanceUid) {
      return refuse((await access.canRead(caller, series.study.patientId)) ? failureReasons.doesNotMatch : failureReasons.notAuthorized);
    }
    const studyBytes = study ? await repo.studyBytes(study.id) : 0;
    if (studyBytes + bytes.length > this.#d.limits.maxStudyBytes) return refuse(failureReasons.outOfResources);
    return undefined;
  }

  async #sameContent(existing: InstanceRow, bytes: Buffer): Promise<boolean> {
    if (existing.size !== bytes.length) return false;
    return (await this.#d.blobs.read(existing.blobId)).equals(bytes);
  }

  #newRows(caller: Caller, parsed: ParsedInstance, blobId: string, size: number) {
    return {
      now: this.#d.clock.now(),
      uploaderId: caller.userId,
      study: { id: randomUUID(), studyInstanceUid: parsed.studyInstanceUid, ...parsed.study },
      series: { id: randomUUID(), seriesInstanceUid: parsed.seriesInstanceUid, ...parsed.series },
      instance: {
        id: randomUUID(),
        sopInstanceUid: parsed.sopInstanceUid,
        sopClassUid: parsed.sopClassUid,
        transferSyntaxUid: parsed.transferSyntaxUid,
        ...parsed.instance,
        blobId,
        size,
        frames: parsed.frames ? JSON.stringify(parsed.frames) : null,
      },
    };
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
  async target(caller: Caller, target: Target): Promise<InstanceWithParents[]> {
    return this.instances(caller, {
      studyUids: [target.studyUid],
      ...(target.seriesUid ? { seriesUids: [target.seriesUid] } : {}),
      ...(target.sopUid ? { sopUids: [target.sopUid] } : {}),
    });
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
    let bytes: Uint8Array = await this.read(instance);
    if (index.kind === 'inflate') {
      const inflated = locateInflatedFrames(bytes);
      if (!inflated) return undefined;
      ({ bytes, frames: index } = inflated);
    }
    const located = index;
    const frames = numbers.map((number) => frameBytes(bytes, located, number));
    return frames.every((frame) => frame !== undefined) ? (frames as Buffer[]) : undefined;
  }

  /** Whether an error means a stored blob is gone or damaged (an operator's problem, not the client's). */
  static isBlobProblem(error: unknown): boolean {
    return error instanceof BlobError;
  }
}
