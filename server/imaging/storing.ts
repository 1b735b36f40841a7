// STOW-RS decisions: what an instance must satisfy to be stored, and how a batch of instances is stored
// with nothing half-done: blobs first (in parallel), then the index rows of each patient's instances in
// one transaction, under that patient's lock; refused or failed instances leave no blob behind.
import { randomUUID } from 'node:crypto';
import { stowFailureReasons } from '../../app/imaging/stow.ts';
import type { SharedBlobs } from '../blobs/shared.ts';
import type { Clock } from '../clock.ts';
import type { Caller } from '../identity/service.ts';
import type { ImagingAccess } from './access.ts';
import { DicomParseError, type ParsedInstance, parseInstance } from './dicom/instance.ts';
import type { KeyedLock } from './locks.ts';
import type { ImagingRepo, NewRows } from './repo.ts';

/** STOW-RS failure reasons: the code in the FailedSOPSequence item of an instance not stored. */
export const failureReasons = stowFailureReasons;

export type StoreOutcome =
  | { readonly ok: true; readonly sopClassUid: string; readonly sopInstanceUid: string; readonly studyInstanceUid: string; readonly seriesInstanceUid: string }
  | { readonly ok: false; readonly reason: number; readonly sopClassUid?: string; readonly sopInstanceUid?: string; readonly studyInstanceUid?: string };

export interface ImagingLimits {
  readonly maxInstanceBytes: number;
  readonly maxStudyBytes: number;
}

export interface StoringDeps {
  readonly repo: ImagingRepo;
  readonly blobs: SharedBlobs;
  readonly access: ImagingAccess;
  readonly clock: Clock;
  readonly limits: ImagingLimits;
  readonly locks: KeyedLock;
}

/** The outcome of each instance of a batch, in order, and the storage errors behind failures (for the log). */
export interface BatchResult {
  readonly outcomes: StoreOutcome[];
  readonly errors: unknown[];
}

interface Candidate {
  readonly index: number;
  readonly bytes: Buffer;
  readonly parsed: ParsedInstance;
  blobId?: string;
}

/** What a patient's group of candidates has found or decided so far, so later ones see earlier ones. */
interface GroupState {
  readonly studies: Map<string, { id: string; patientId: string; isNew: boolean; bytes: number } | null>;
  readonly series: Map<string, { id: string; studyUid: string; patientId: string; isNew: boolean } | null>;
  readonly rows: NewRows;
}

export class InstanceStoring {
  readonly #d: StoringDeps;

  constructor(deps: StoringDeps) {
    this.#d = deps;
  }

  /**
   * Stores the instances of (part of) a STOW-RS request; `studyUid`: the study the request was sent
   * to, if any. Never throws for an instance's own faults or a storage failure: outcomes say why.
   */
  async storeBatch(caller: Caller, items: readonly Buffer[], studyUid: string | undefined): Promise<BatchResult> {
    const outcomes: StoreOutcome[] = new Array(items.length);
    const errors: unknown[] = [];
    const candidates: Candidate[] = [];
    const later: number[] = [];
    const sops = new Set<string>();
    items.forEach((bytes, index) => {
      const checked = this.#admissible(bytes, studyUid);
      if ('outcome' in checked) outcomes[index] = checked.outcome;
      // The same instance twice in one batch: the second waits for the first's outcome.
      else if (sops.has(checked.parsed.sopInstanceUid)) later.push(index);
      else {
        sops.add(checked.parsed.sopInstanceUid);
        candidates.push({ index, bytes, parsed: checked.parsed });
      }
    });
    if (candidates.length > 0) {
      // Equal bytes have equal UIDs: while these are held, no other row can come to refer to a blob written here.
      await this.#d.locks.run([...sops].map((sop) => `sop:${sop}`), () => this.#storeCandidates(caller, candidates, outcomes, errors));
    }
    if (later.length > 0) {
      const rest = await this.storeBatch(caller, later.map((index) => items[index] as Buffer), studyUid);
      later.forEach((index, i) => (outcomes[index] = rest.outcomes[i] as StoreOutcome));
      errors.push(...rest.errors);
    }
    return { outcomes, errors };
  }

  /** The checks that need no database: readable, de-identified, of the request's study, within the size limit. */
  #admissible(bytes: Buffer, studyUid: string | undefined): { outcome: StoreOutcome } | { parsed: ParsedInstance } {
    let parsed: ParsedInstance;
    try {
      parsed = parseInstance(bytes);
    } catch (error) {
      if (error instanceof DicomParseError) return { outcome: { ok: false, reason: failureReasons.cannotUnderstand } };
      throw error;
    }
    const refuse = (reason: number) => ({ outcome: { ok: false, reason, sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid, studyInstanceUid: parsed.studyInstanceUid } as StoreOutcome });
    // Defence in depth: the workstation de-identifies before upload; anything else is refused.
    if (!parsed.patientIdentityRemoved) return refuse(failureReasons.notAuthorized);
    if (studyUid !== undefined && parsed.studyInstanceUid !== studyUid) return refuse(failureReasons.doesNotMatch);
    if (!parsed.study.patientId) return refuse(failureReasons.cannotUnderstand);
    if (bytes.length > this.#d.limits.maxInstanceBytes) return refuse(failureReasons.outOfResources);
    return { parsed };
  }

  async #storeCandidates(caller: Caller, candidates: Candidate[], outcomes: StoreOutcome[], errors: unknown[]): Promise<void> {
    const fail = (candidate: Candidate, error: unknown) => {
      errors.push(error);
      outcomes[candidate.index] = { ok: false, reason: failureReasons.processingFailure, sopClassUid: candidate.parsed.sopClassUid, sopInstanceUid: candidate.parsed.sopInstanceUid, studyInstanceUid: candidate.parsed.studyInstanceUid };
    };
    // Blobs first, all at once: their disk syncs overlap.
    const written = await Promise.allSettled(candidates.map((c) => this.#d.blobs.store.put(c.bytes, this.#d.limits.maxInstanceBytes)));
    written.forEach((result, i) => {
      const candidate = candidates[i] as Candidate;
      if (result.status === 'fulfilled') candidate.blobId = result.value.id;
      else fail(candidate, result.reason);
    });
    const byPatient = new Map<string, Candidate[]>();
    for (const c of candidates) if (c.blobId) byPatient.set(c.parsed.study.patientId, [...(byPatient.get(c.parsed.study.patientId) ?? []), c]);
    await Promise.all(
      [...byPatient].map(([patientKey, group]) =>
        this.#d.locks.run([`patient:${patientKey}`], async () => {
          const state: GroupState = { studies: new Map(), series: new Map(), rows: { studies: [], series: [], instances: [] } };
          const accepted: Candidate[] = [];
          try {
            for (const candidate of group) {
              const rowsBefore = state.rows.instances.length;
              outcomes[candidate.index] = await this.#check(caller, candidate, state);
              if (state.rows.instances.length > rowsBefore) accepted.push(candidate);
            }
            if (accepted.length > 0) await this.#d.repo.insertRows(state.rows);
          } catch (error) {
            // Nothing of the group was indexed (one transaction): all of it failed.
            for (const candidate of group) if (!outcomes[candidate.index] || accepted.includes(candidate)) fail(candidate, error);
          }
        }),
      ),
    );
    // Blobs of instances not stored go, unless an indexed instance or a patient's file holds the same bytes.
    const unused = candidates.filter((c) => c.blobId && !outcomes[c.index]?.ok).map((c) => c.blobId as string);
    await this.#d.blobs.release(unused).catch(() => undefined);
  }

  /**
   * Decides one candidate under its patient's lock, seeing the group's earlier decisions: refused, an
   * identical instance already stored (nothing to write), or accepted (its rows added to `state`).
   */
  async #check(caller: Caller, candidate: Candidate, state: GroupState): Promise<StoreOutcome> {
    const { repo, access, limits, clock } = this.#d;
    const { parsed, bytes } = candidate;
    const uids = { sopClassUid: parsed.sopClassUid, sopInstanceUid: parsed.sopInstanceUid };
    const refuse = (reason: number): StoreOutcome => ({ ok: false, reason, ...uids, studyInstanceUid: parsed.studyInstanceUid });
    const stored: StoreOutcome = { ok: true, ...uids, studyInstanceUid: parsed.studyInstanceUid, seriesInstanceUid: parsed.seriesInstanceUid };
    const patientKey = parsed.study.patientId;
    if (!(await access.canUpload(caller, patientKey))) return refuse(failureReasons.notAuthorized);
    const existing = await repo.findInstance(parsed.sopInstanceUid);
    if (existing) {
      if (!(await access.canRead(caller, existing.patientId))) return refuse(failureReasons.notAuthorized);
      if (existing.size !== bytes.length || !(await this.#d.blobs.store.read(existing.blobId)).equals(bytes)) return refuse(failureReasons.duplicate);
      return { ok: true, ...uids, studyInstanceUid: existing.studyInstanceUid, seriesInstanceUid: existing.seriesInstanceUid };
    }
    const mismatch = async (otherPatient: string) => refuse((await access.canRead(caller, otherPatient)) ? failureReasons.doesNotMatch : failureReasons.notAuthorized);

    if (!state.studies.has(parsed.studyInstanceUid)) {
      const found = await repo.findStudy(parsed.studyInstanceUid);
      state.studies.set(parsed.studyInstanceUid, found ? { ...found, isNew: false, bytes: await repo.studyBytes(found.id) } : null);
    }
    const study = state.studies.get(parsed.studyInstanceUid);
    if (study && study.patientId !== patientKey) return mismatch(study.patientId);
    if (!state.series.has(parsed.seriesInstanceUid)) {
      const found = await repo.findSeries(parsed.seriesInstanceUid);
      state.series.set(parsed.seriesInstanceUid, found ? { id: found.id, studyUid: found.study.studyInstanceUid, patientId: found.study.patientId, isNew: false } : null);
    }
    const series = state.series.get(parsed.seriesInstanceUid);
    if (series && series.studyUid !== parsed.studyInstanceUid) return mismatch(series.patientId);
    if ((study?.bytes ?? 0) + bytes.length > limits.maxStudyBytes) return refuse(failureReasons.outOfResources);

    const now = clock.now();
    let studyRow = study;
    if (!studyRow) {
      studyRow = { id: randomUUID(), patientId: patientKey, isNew: true, bytes: 0 };
      state.studies.set(parsed.studyInstanceUid, studyRow);
      state.rows.studies.push({ id: studyRow.id, studyInstanceUid: parsed.studyInstanceUid, ...parsed.study, uploaderId: caller.userId, createdAt: now });
    }
    studyRow.bytes += bytes.length;
    let seriesRow = series;
    if (!seriesRow) {
      seriesRow = { id: randomUUID(), studyUid: parsed.studyInstanceUid, patientId: patientKey, isNew: true };
      state.series.set(parsed.seriesInstanceUid, seriesRow);
      state.rows.series.push({ id: seriesRow.id, studyId: studyRow.id, seriesInstanceUid: parsed.seriesInstanceUid, ...parsed.series, createdAt: now });
    }
    state.rows.instances.push({
      id: randomUUID(),
      seriesId: seriesRow.id,
      studyInstanceUid: parsed.studyInstanceUid,
      seriesInstanceUid: parsed.seriesInstanceUid,
      patientId: patientKey,
      sopInstanceUid: parsed.sopInstanceUid,
      sopClassUid: parsed.sopClassUid,
      transferSyntaxUid: parsed.transferSyntaxUid,
      ...parsed.instance,
      blobId: candidate.blobId as string,
      size: bytes.length,
      frames: parsed.frames ? JSON.stringify(parsed.frames) : null,
      uploaderId: caller.userId,
      createdAt: now,
    });
    return stored;
  }
}
