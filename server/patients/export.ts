// The portability export (SPEC PT-9): one ZIP archive with bundle.json (a FHIR R4 collection bundle,
// app/patients/fhir/bundle.ts) and every file of the patient under files/, streamed as it is built:
// one file in memory at a time, bundle.json last, once every file's SHA-1 is known. ZIP64 when needed.
import { createHash, randomUUID } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import yazl from 'yazl';
import type { Actor, Principal } from '../../app/access/actor.ts';
import { DomainError } from '../../app/errors.ts';
import { portabilityBundle, type PortableDocument, type PortablePatient } from '../../app/patients/fhir/bundle.ts';
import { maySeeIdentity, maySeeRecord, mayExport } from '../../app/patients/policy.ts';
import { medicalRecord } from '../../app/patients/record.ts';
import type { ConsentForm, ConsentKind, Sex } from '../../app/patients/schemas.ts';
import type { BlobStore } from '../blobs/store.ts';
import type { Clock } from '../clock.ts';
import type { IdentitySeal } from './identity-seal.ts';
import type { PatientsRepo } from './repo.ts';

export interface PatientExportDeps {
  readonly repo: PatientsRepo;
  readonly clock: Clock;
  readonly seal: IdentitySeal;
  readonly blobs: () => BlobStore;
  /** The software version named in the bundle's Provenance. */
  readonly version: string;
}

/** What an export of the patient will hold, shown before it is downloaded. */
export interface ExportSummary {
  readonly consents: number;
  readonly diagnoses: number;
  readonly phenotype: number;
  readonly labResults: number;
  readonly geneticFindings: number;
  readonly samples: number;
  readonly files: number;
  /** Bytes of the files (before the archive's own few bytes). */
  readonly fileBytes: number;
  readonly includesIdentity: boolean;
}

export interface ExportArchive {
  /** A file name for the download: the pseudonymous id, never a name. */
  readonly fileName: string;
  readonly patientId: string;
  /** The ZIP bytes; ends when the archive is complete, errors if a file could not be read. */
  readonly stream: Readable;
}

/** A file name safe in any archive tool and file system: no path parts, no control characters. */
export function safeArchiveName(name: string): string {
  const cleaned = name
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/[/\\:*?"<>|]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 150);
  return cleaned || 'file';
}

const fileSelect = { id: true, name: true, contentType: true, size: true, blobId: true, purpose: true, createdAt: true } as const;

export class PatientExportService {
  readonly #d: PatientExportDeps;

  constructor(deps: PatientExportDeps) {
    this.#d = deps;
  }

  /** The patient, if the principal may export it: "not found" for a record they may not see, "forbidden" for one they only see. */
  async #load(principal: Principal, patientId: string) {
    const db = this.#d.repo.db;
    const row = await db.patient.findUnique({
      where: { id: patientId },
      select: {
        id: true, pseudonymousId: true, nickname: true, status: true, sex: true, birthYearMonth: true, birthArea: true, residenceArea: true,
        identitySealed: true, hcpId: true, enrolledById: true, record: true,
        participants: { select: { userId: true } },
        consents: { select: { id: true, kind: true, form: true, givenAt: true, withdrawnAt: true }, orderBy: { givenAt: 'asc' } },
        files: { select: fileSelect, orderBy: { createdAt: 'asc' } },
      },
    });
    const facts = row && { enrolledById: row.enrolledById, hcpId: row.hcpId, participantIds: row.participants.map((p) => p.userId) };
    if (!row || !facts || !maySeeRecord(principal, facts)) throw new DomainError('not_found');
    if (!mayExport(principal, facts)) throw new DomainError('forbidden');
    const hcp = await db.hcp.findUniqueOrThrow({ where: { id: row.hcpId }, select: { id: true, code: true, name: true, countryCode: true } });
    const identity = row.identitySealed && maySeeIdentity(principal, facts) ? this.#d.seal.open(row.id, row.identitySealed) : null;
    return { row, hcp, identity, record: medicalRecord.parse(JSON.parse(row.record)) };
  }

  async summary(principal: Principal, patientId: string): Promise<ExportSummary> {
    const { row, identity, record } = await this.#load(principal, patientId);
    return {
      consents: row.consents.length,
      diagnoses: record.orphaDiagnoses.length + record.icd10Diagnoses.length,
      phenotype: record.phenotype.length,
      labResults: record.labResults.length,
      geneticFindings: record.geneticFindings.length,
      samples: record.samples.length,
      files: row.files.length,
      fileBytes: row.files.reduce((sum, f) => sum + f.size, 0),
      includesIdentity: identity !== null,
    };
  }

  /**
   * Starts the archive. Everything is checked before the first byte (the patient, the permission on
   * it, that every file's bytes are there), so a refusal is an error response, not a broken download.
   * The export is recorded in the patient's History.
   */
  async open(actor: Actor, principal: Principal, patientId: string): Promise<ExportArchive> {
    const { repo, clock, blobs } = this.#d;
    const { row, hcp, identity, record } = await this.#load(principal, patientId);
    for (const file of row.files) if (!(await blobs().has(file.blobId))) throw new Error('A file of the patient has no bytes in the blob store');
    const now = clock.now();
    const zip = new yazl.ZipFile();
    const documents: PortableDocument[] = [];

    // The record's text sections and dataset travel as files too: FHIR has no better home for free text.
    const sections: Array<[PortableDocument['kind'], string, string, string]> = [
      ['summary', 'Clinical summary', 'record/summary.txt', record.summary],
      ['history', 'Clinical history', 'record/history.txt', record.history],
      ['dataset', 'ERN dataset', 'record/dataset.json', Object.keys(record.dataset).length > 0 ? JSON.stringify(record.dataset, null, 2) : ''],
    ];
    for (const [kind, title, path, content] of sections) {
      if (!content) continue;
      const bytes = Buffer.from(content, 'utf8');
      const contentType = kind === 'dataset' ? 'application/json' : 'text/plain; charset=utf-8';
      documents.push({ id: randomUUID(), kind, title, path, contentType, size: bytes.length, sha1Base64: sha1(bytes), createdAt: now.toISOString() });
      zip.addBuffer(bytes, path, { mtime: now });
    }
    for (const file of row.files) {
      const path = `files/${file.id}/${safeArchiveName(file.name)}`;
      // Read when its turn comes, so only one file is in memory at a time.
      zip.addReadStreamLazy(path, { compress: false, mtime: file.createdAt }, (done) => {
        blobs().read(file.blobId).then(
          (bytes) => {
            const kind = file.purpose === 'consent_form' ? 'consent_form' : 'document';
            documents.push({ id: file.id, kind, title: file.name, path, contentType: file.contentType, size: bytes.length, sha1Base64: sha1(bytes), createdAt: file.createdAt.toISOString() });
            done(null, Readable.from([bytes]));
          },
          (error: unknown) => done(error as Error, undefined as never),
        );
      });
    }
    const patient: PortablePatient = {
      id: row.id,
      pseudonymousId: row.pseudonymousId,
      nickname: row.nickname,
      status: row.status as PortablePatient['status'],
      sex: row.sex as Sex,
      birthYearMonth: row.birthYearMonth,
      birthArea: row.birthArea,
      residenceArea: row.residenceArea,
      identity,
      hcp,
      consents: row.consents.map((c) => ({ id: c.id, kind: c.kind as ConsentKind, form: c.form as ConsentForm, givenAt: c.givenAt.toISOString(), withdrawnAt: c.withdrawnAt?.toISOString() ?? null })),
      record,
      documents,
    };
    // Last: by the time yazl asks for it, every file before it has been read and hashed.
    zip.addReadStreamLazy('bundle.json', { mtime: now }, (done) => {
      const bundle = portabilityBundle(patient, { bundleId: randomUUID(), exportedAt: now.toISOString(), software: { name: 'Consilium', version: this.#d.version }, newId: randomUUID });
      done(null, Readable.from([Buffer.from(JSON.stringify(bundle, null, 2), 'utf8')]));
    });
    zip.end();

    const stream = new PassThrough();
    zip.on('error', (error: Error) => stream.destroy(error));
    zip.outputStream.on('error', (error: Error) => stream.destroy(error));
    zip.outputStream.pipe(stream);
    await repo.event(patientId, now, actor.userId, 'exported', { files: row.files.length, identity: identity !== null });
    return { fileName: `${row.pseudonymousId}-fhir-export.zip`, patientId, stream };
  }
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('base64');
}
