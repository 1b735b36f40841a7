// The DICOMweb store's decisions: what a caller may search and retrieve, and how (storing is in
// storing.ts): QIDO candidates within the caller's readable patients, WADO instances, metadata, frames.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../app/access/actor.ts';
import { DomainError } from '../../app/errors.ts';
import { isoDate, type PatientStudyView, type StudyPatientView } from '../../app/imaging/studies.ts';
import { maySeeRecord } from '../../app/patients/policy.ts';
import type { SharedBlobs } from '../blobs/shared.ts';
import type { Clock } from '../clock.ts';
import type { Caller } from '../identity/service.ts';
import type { ImagingAccess } from './access.ts';
import { type FrameIndex, frameBytes, frameIndex } from './dicom/frames.ts';
import { locateInflatedFrames } from './dicom/instance.ts';
import { bulkDataValue, instanceJson, type JsonDataset } from './dicom/json.ts';
import { KeyedLock } from './locks.ts';
import { mapConcurrently, SizedLru } from './lru.ts';
import type { ImagingRepo, InstanceRow, InstanceWithParents, Scope, SeriesWithStudy, StudyWithCounts } from './repo.ts';
import { type BatchResult, type ImagingLimits, InstanceStoring } from './storing.ts';

export { failureReasons, type ImagingLimits, type StoreOutcome } from './storing.ts';

export interface ImagingDeps {
  readonly repo: ImagingRepo;
  /** Instances' bytes, shared by content with patients' files: deleted only when nothing refers to them. */
  readonly blobs: SharedBlobs;
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
/**
 * Instances' metadata (DICOM JSON text) recently served, up to this many bytes: every viewer opening
 * a study (all the participants of a meeting, say) asks for it, and making it means decrypting and
 * parsing each whole instance.
 */
const metadataCacheBytes = 64 * 1024 * 1024;
/** Stands for an instance's URL in cached metadata; random, so that no stored value can pass for it. */
const instanceUrlMarker = `consilium-instance-url-${randomUUID()}`;

export class ImagingService {
  readonly #d: ImagingDeps;
  readonly #storing: InstanceStoring;
  /** Per patient key: storing a patient's instances and removing the patient's images take turns. */
  readonly #locks = new KeyedLock();
  /** By blob id: blobs are content-addressed, so what is kept under an id never goes stale. */
  readonly #multiFrame = new SizedLru<Buffer>(multiFrameCacheBytes, (bytes) => bytes.length);
  readonly #metadata = new SizedLru<string>(metadataCacheBytes, (text) => text.length * 2);

  constructor(deps: ImagingDeps) {
    this.#d = deps;
    this.#storing = new InstanceStoring({ ...deps, locks: this.#locks });
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

  /** The patient (by id) if the principal may see the record; "not found" otherwise. */
  async #visiblePatient(principal: Principal, where: { id: string } | { pseudonymousId: string }) {
    const patient = await this.#d.repo.patient(where);
    if (!patient || !maySeeRecord(principal, { enrolledById: patient.enrolledById, hcpId: patient.hcpId, participantIds: patient.participants.map((p) => p.userId) })) {
      throw new DomainError('not_found');
    }
    return patient;
  }

  /** The studies stored for a patient the principal may see, newest first (the record's "Files"). */
  async patientStudies(principal: Principal, patientId: string): Promise<PatientStudyView[]> {
    const patient = await this.#visiblePatient(principal, { id: patientId });
    const studies = await this.#d.repo.studies({ patientKeys: [patient.pseudonymousId] });
    return studies.reverse().map((study) => ({
      studyInstanceUid: study.studyInstanceUid,
      date: isoDate(study.studyDate),
      description: study.studyDescription,
      modalities: [...new Set(study.series.map((s) => s.modality).filter(Boolean))],
      series: study.series.length,
      instances: study.series.reduce((sum, s) => sum + s._count.instances, 0),
    }));
  }

  /** Which patient a study belongs to, for a principal who may see that patient's record; "not found" otherwise. */
  async studyPatient(principal: Principal, studyUid: string): Promise<StudyPatientView> {
    const study = await this.#d.repo.findStudy(studyUid);
    if (!study) throw new DomainError('not_found');
    const patient = await this.#visiblePatient(principal, { pseudonymousId: study.patientId });
    return { patientId: patient.id, nickname: patient.nickname };
  }

  /** Whether a study is in the index, whoever may read it (for the audit log, never for an answer). */
  async isStored(studyUid: string): Promise<boolean> {
    return (await this.#d.repo.findStudy(studyUid)) !== null;
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
    if (cached) return cached;
    const bytes = await this.#d.blobs.store.read(blobId);
    this.#multiFrame.set(blobId, bytes);
    return bytes;
  }

  /**
   * Removes a patient's images with the patient: `removeRecord` deletes the patient's record and
   * their index rows (in one transaction); then the blobs that only these instances used go. Runs
   * under the patient's lock, so no upload of the patient's images is between its checks and its rows.
   */
  async removePatient(patientKey: string, removeRecord: () => Promise<void>): Promise<void> {
    await this.#locks.run([`patient:${patientKey}`], async () => {
      const blobIds = await this.#d.repo.blobIdsOfPatient(patientKey);
      await removeRecord();
      for (const blobId of blobIds) this.#forget(blobId);
      await this.#d.blobs.release(blobIds);
    });
  }

  #forget(blobId: string): void {
    this.#multiFrame.delete(blobId);
    this.#metadata.delete(blobId);
  }

  /** The stored bytes of an instance. */
  read(instance: Pick<InstanceRow, 'blobId'>): Promise<Buffer> {
    return this.#d.blobs.store.read(instance.blobId);
  }

  /**
   * The metadata of instances as one DICOM JSON text (WADO-RS), bulk data by URI under each
   * instance's URL (`instanceUrl`). Instances are read a few at a time, so that reading files and
   * decrypting overlap.
   */
  async metadataText(instances: readonly InstanceRow[], instanceUrl: (instance: InstanceRow) => string): Promise<string> {
    const texts = await mapConcurrently(instances, 4, async (instance) => {
      let text = this.#metadata.get(instance.blobId);
      if (text === undefined) {
        text = JSON.stringify(await this.metadata(instance, (tag) => `${instanceUrlMarker}/bulkdata/${tag}`));
        this.#metadata.set(instance.blobId, text);
      }
      return text.replaceAll(instanceUrlMarker, JSON.stringify(instanceUrl(instance)).slice(1, -1));
    });
    return `[${texts.join(',')}]`;
  }

  /** The header of an instance as DICOM JSON, bulk data by URI. */
  async metadata(instance: InstanceRow, bulkDataUri: (tag: string) => string): Promise<JsonDataset> {
    const bytes = await this.read(instance);
    const pixelVr = instance.frames === null ? undefined : instance.transferSyntaxUid.startsWith('1.2.840.10008.1.2.4') || instance.transferSyntaxUid === '1.2.840.10008.1.2.5' || (instance.bitsAllocated ?? 8) <= 8 ? 'OB' : 'OW';
    return instanceJson(bytes, bulkDataUri, pixelVr);
  }

  /** A long binary attribute of the header that the metadata gives by URI; undefined for any other tag. */
  async bulkData(instance: InstanceRow, tag: string): Promise<Buffer | undefined> {
    const value = bulkDataValue(await this.read(instance), tag);
    return value && Buffer.from(value.buffer, value.byteOffset, value.byteLength);
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
