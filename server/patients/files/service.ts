// A patient's "Files" (SPEC PT-7): the list, uploads checked by their content before anything is
// stored, reading one file for its preview, deletion by the uploader or the lead. Signed consent
// forms (PT-2) carry the patient's name: only those who may see the identity see them.
import { randomUUID } from 'node:crypto';
import type { Actor, Principal } from '../../../app/access/actor.ts';
import { DomainError } from '../../../app/errors.ts';
import { checkFile, type AllowedFileType, type FilePurpose, type PatientFileView, safeFileName } from '../../../app/patients/files.ts';
import { mayAddFiles, mayDeleteFile, maySeeIdentity, maySeeRecord, type PatientFacts } from '../../../app/patients/policy.ts';
import { BlobError } from '../../blobs/store.ts';
import type { SharedBlobs } from '../../blobs/shared.ts';
import type { Clock } from '../../clock.ts';
import type { AuditScope } from '../../trpc.ts';
import type { PatientsRepo } from '../repo.ts';
import { detectType, peek } from './content.ts';
import type { FilesRepo, PatientFileRow } from './repo.ts';

export interface FilesDeps {
  readonly repo: FilesRepo;
  readonly patients: PatientsRepo;
  readonly blobs: SharedBlobs;
  readonly clock: Clock;
  /** The largest file accepted, in bytes (CONSILIUM_MAX_FILE_MB). */
  readonly maxBytes: number;
}

export interface Upload {
  /** The name the sender gave (made safe here). */
  readonly name: string;
  /** The media type the sender declared, if any. */
  readonly declaredType: string | undefined;
  /** The length the sender announced, if any: refused at once when over the limit. */
  readonly declaredBytes: number | undefined;
  readonly purpose: FilePurpose;
  readonly content: AsyncIterable<Uint8Array>;
}

/** One file's bytes for its preview, with what the response needs to say about them. */
export interface FileContent {
  readonly name: string;
  readonly contentType: AllowedFileType;
  readonly bytes: Buffer;
}

type Facts = NonNullable<Awaited<ReturnType<PatientsRepo['facts']>>>;

function policyFacts(row: Facts): PatientFacts {
  return { enrolledById: row.enrolledById, hcpId: row.hcpId, participantIds: row.participants.map((p) => p.userId) };
}

function personName(user: { firstName: string; lastName: string; status: string } | undefined): string {
  return !user || user.status === 'deleted' ? 'Deleted user' : `${user.firstName} ${user.lastName}`;
}

export class FilesService {
  readonly #d: FilesDeps;

  constructor(deps: FilesDeps) {
    this.#d = deps;
  }

  get maxBytes(): number {
    return this.#d.maxBytes;
  }

  /** Loads a patient the principal may see; "not found" otherwise (never "forbidden": nothing leaks). */
  async #visible(principal: Principal, patientId: string): Promise<{ row: Facts; facts: PatientFacts }> {
    const row = await this.#d.patients.facts(patientId);
    if (!row || !maySeeRecord(principal, policyFacts(row))) throw new DomainError('not_found');
    return { row, facts: policyFacts(row) };
  }

  /** A file of the patient the principal may see: consent forms only with the identity. */
  async #file(principal: Principal, facts: PatientFacts, patientId: string, fileId: string): Promise<PatientFileRow> {
    const file = await this.#d.repo.find(patientId, fileId);
    if (!file || (file.purpose === 'consent_form' && !maySeeIdentity(principal, facts))) throw new DomainError('not_found');
    return file;
  }

  async list(principal: Principal, patientId: string): Promise<{ files: PatientFileView[]; maxBytes: number }> {
    const { facts } = await this.#visible(principal, patientId);
    const identity = maySeeIdentity(principal, facts);
    const rows = (await this.#d.repo.list(patientId)).filter((file) => file.purpose !== 'consent_form' || identity);
    const people = new Map((await this.#d.repo.people([...new Set(rows.map((r) => r.uploadedById))])).map((u) => [u.id, u]));
    return { files: rows.map((row) => this.#view(principal, facts, row, personName(people.get(row.uploadedById)))), maxBytes: this.#d.maxBytes };
  }

  #view(principal: Principal, facts: PatientFacts, row: PatientFileRow, uploader: string): PatientFileView {
    return {
      id: row.id,
      name: row.name,
      contentType: row.contentType as AllowedFileType,
      size: row.size,
      purpose: row.purpose as FilePurpose,
      uploadedBy: { id: row.uploadedById, name: uploader },
      createdAt: row.createdAt.toISOString(),
      canDelete: mayDeleteFile(principal, facts, row),
    };
  }

  /**
   * Adds a file: who may, then the content's first bytes against the name and declared type, then
   * the bytes streamed into the blob store (at most the limit) and the row written. Any refusal
   * leaves nothing behind. The uploader is the principal (the clinician an assistant acts for).
   */
  async upload(actor: Actor, principal: Principal, patientId: string, upload: Upload, audit: AuditScope): Promise<PatientFileView> {
    const { row: patient, facts } = await this.#visible(principal, patientId);
    // Refusals from here on name the patient in the audit log too.
    audit.about('patient', patientId, { purpose: upload.purpose });
    if (!mayAddFiles(principal, facts)) throw new DomainError('forbidden');
    // The signed consent form names the patient: only the enrolling clinician adds it, while the identity exists.
    if (upload.purpose === 'consent_form' && (!maySeeIdentity(principal, facts) || patient.status !== 'active')) throw new DomainError('forbidden');
    const limit = this.#d.maxBytes;
    const tooLarge = () => new DomainError('file_too_large', { limitMb: Math.floor(limit / (1024 * 1024)) });
    if (upload.declaredBytes !== undefined && upload.declaredBytes > limit) throw tooLarge();

    const peeked = await peek(upload.content);
    if (peeked.head.length === 0) {
      await peeked.close();
      throw new DomainError('file_empty');
    }
    const check = checkFile({ name: safeFileName(upload.name), declaredType: upload.declaredType, detectedType: await detectType(peeked.head) });
    if (!check.ok) {
      await peeked.close();
      throw new DomainError(check.code, check.code === 'file_type_mismatch' ? { claimed: check.claimed } : {});
    }

    const id = randomUUID();
    const now = this.#d.clock.now();
    try {
      const row = await this.#d.blobs.add(peeked.content, limit, (blob) =>
        this.#d.repo
          .create(
            { id, patientId, name: check.name, contentType: check.contentType, size: blob.size, blobId: blob.id, purpose: upload.purpose, uploadedById: principal.userId, createdAt: now },
            actor.userId,
            { fileId: id, purpose: upload.purpose, contentType: check.contentType, size: blob.size },
          )
          .catch((error: unknown) => {
            // The patient was deleted while its file was being received.
            if ((error as { code?: string }).code === 'P2003') throw new DomainError('not_found');
            throw error;
          }),
      );
      audit.about('patient', patientId, { fileId: id, purpose: upload.purpose, contentType: check.contentType, size: row.size });
      return this.#view(principal, facts, row, personName(await this.#person(principal.userId)));
    } catch (error) {
      if (error instanceof BlobError && error.reason === 'too_large') throw tooLarge();
      throw error;
    }
  }

  async #person(userId: string) {
    return (await this.#d.repo.people([userId]))[0];
  }

  /** One file's bytes, verified, for its preview. */
  async read(principal: Principal, patientId: string, fileId: string, audit: AuditScope): Promise<FileContent> {
    const { facts } = await this.#visible(principal, patientId);
    const file = await this.#file(principal, facts, patientId, fileId);
    audit.about('patient', patientId, { fileId, purpose: file.purpose });
    return { name: file.name, contentType: file.contentType as AllowedFileType, bytes: await this.#d.blobs.store.read(file.blobId) };
  }

  /** Deletes a file (its uploader, or the lead); its bytes go when no other file has the same. */
  async delete(actor: Actor, principal: Principal, patientId: string, fileId: string, audit: AuditScope): Promise<void> {
    const { facts } = await this.#visible(principal, patientId);
    const file = await this.#file(principal, facts, patientId, fileId);
    if (!mayDeleteFile(principal, facts, file)) throw new DomainError('forbidden');
    if (!(await this.#d.repo.delete(file, this.#d.clock.now(), actor.userId, { fileId, purpose: file.purpose }))) throw new DomainError('not_found');
    await this.#d.blobs.release([file.blobId]);
    audit.about('patient', patientId, { fileId, purpose: file.purpose });
  }
}
