// Prisma access for the imaging index: studies, series and instances (the bytes are in the blob store).
import type { Prisma, PrismaClient } from '../db/generated/client.ts';
import { type ChangeCounter, neverUnchanged, ReadCache } from '../db/read-cache.ts';

export const studySelect = {
  id: true,
  studyInstanceUid: true,
  patientId: true,
  patientName: true,
  patientBirthDate: true,
  patientSex: true,
  studyDate: true,
  studyTime: true,
  accessionNumber: true,
  referringPhysicianName: true,
  studyId: true,
  studyDescription: true,
  specificCharacterSet: true,
  createdAt: true,
} satisfies Prisma.ImagingStudySelect;

export const seriesSelect = {
  id: true,
  seriesInstanceUid: true,
  modality: true,
  seriesNumber: true,
  seriesDescription: true,
  ppsStartDate: true,
  ppsStartTime: true,
} satisfies Prisma.ImagingSeriesSelect;

export const instanceSelect = {
  id: true,
  sopInstanceUid: true,
  sopClassUid: true,
  instanceNumber: true,
  rows: true,
  columns: true,
  bitsAllocated: true,
  numberOfFrames: true,
  transferSyntaxUid: true,
  blobId: true,
  size: true,
  frames: true,
  studyInstanceUid: true,
  seriesInstanceUid: true,
  patientId: true,
} satisfies Prisma.ImagingInstanceSelect;

export type StudyRow = Prisma.ImagingStudyGetPayload<{ select: typeof studySelect }>;
export type SeriesRow = Prisma.ImagingSeriesGetPayload<{ select: typeof seriesSelect }>;
export type InstanceRow = Prisma.ImagingInstanceGetPayload<{ select: typeof instanceSelect }>;

/** A study with what its QIDO answer counts: its series' modalities and instances. */
export type StudyWithCounts = StudyRow & { series: Array<{ modality: string; _count: { instances: number } }> };
export type SeriesWithStudy = SeriesRow & { study: StudyRow; _count: { instances: number } };
export type InstanceWithParents = InstanceRow & { series: SeriesRow & { study: StudyRow } };

/** Which rows a search may see: the caller's readable patients, narrowed by UIDs when given. */
export interface Scope {
  readonly patientKeys: readonly string[];
  readonly studyUids?: readonly string[] | undefined;
  readonly seriesUids?: readonly string[] | undefined;
  readonly sopUids?: readonly string[] | undefined;
}

/** The index rows a batch of new instances adds: studies and series that are new, and the instances. */
export interface NewRows {
  readonly studies: Prisma.ImagingStudyCreateManyInput[];
  readonly series: Prisma.ImagingSeriesCreateManyInput[];
  readonly instances: Prisma.ImagingInstanceCreateManyInput[];
}

const ordered = {
  studies: [{ studyDate: 'asc' }, { studyTime: 'asc' }, { studyInstanceUid: 'asc' }] satisfies Prisma.ImagingStudyOrderByWithRelationInput[],
  series: [{ seriesNumber: 'asc' }, { seriesInstanceUid: 'asc' }] satisfies Prisma.ImagingSeriesOrderByWithRelationInput[],
  instances: [{ instanceNumber: 'asc' }, { sopInstanceUid: 'asc' }] satisfies Prisma.ImagingInstanceOrderByWithRelationInput[],
};

function studyWhere(scope: Scope): Prisma.ImagingStudyWhereInput {
  return { patientId: { in: [...scope.patientKeys] }, ...(scope.studyUids ? { studyInstanceUid: { in: [...scope.studyUids] } } : {}) };
}

function seriesWhere(scope: Scope): Prisma.ImagingSeriesWhereInput {
  return { study: studyWhere(scope), ...(scope.seriesUids ? { seriesInstanceUid: { in: [...scope.seriesUids] } } : {}) };
}

export class ImagingRepo {
  readonly #db: PrismaClient;
  /** Frame requests look their instance up one by one: kept while the database is unchanged. */
  readonly #instances: ReadCache<InstanceRow | null>;

  constructor(db: PrismaClient, reads: ChangeCounter = neverUnchanged) {
    this.#db = db;
    this.#instances = new ReadCache(reads);
  }

  /** A patient (by id or pseudonymous id) with the facts the need-to-know policy reads, or null. */
  patient(where: { id: string } | { pseudonymousId: string }) {
    return this.#db.patient.findUnique({
      where,
      select: { id: true, pseudonymousId: true, nickname: true, enrolledById: true, hcpId: true, participants: { select: { userId: true } } },
    });
  }

  /** An instance by SOP Instance UID (with its study, series and patient). */
  findInstance(sopInstanceUid: string): Promise<InstanceRow | null> {
    return this.#instances.get(sopInstanceUid, () => this.#db.imagingInstance.findUnique({ where: { sopInstanceUid }, select: instanceSelect }));
  }

  /** The blobs of every instance of a patient (by pseudonymous id). */
  async blobIdsOfPatient(patientKey: string): Promise<string[]> {
    const rows = await this.#db.imagingInstance.findMany({ where: { patientId: patientKey }, select: { blobId: true }, distinct: ['blobId'] });
    return rows.map((row) => row.blobId);
  }

  findStudy(studyInstanceUid: string) {
    return this.#db.imagingStudy.findUnique({ where: { studyInstanceUid }, select: { id: true, patientId: true } });
  }

  findSeries(seriesInstanceUid: string) {
    return this.#db.imagingSeries.findUnique({ where: { seriesInstanceUid }, select: { id: true, study: { select: { studyInstanceUid: true, patientId: true } } } });
  }

  /** The bytes a study holds, all its instances together. */
  async studyBytes(studyId: string): Promise<number> {
    const sum = await this.#db.imagingInstance.aggregate({ where: { series: { studyId } }, _sum: { size: true } });
    return sum._sum.size ?? 0;
  }

  /** Adds the rows of a batch in one transaction: all of them, or none. */
  async insertRows(rows: NewRows): Promise<void> {
    await this.#db.$transaction(async (tx) => {
      if (rows.studies.length > 0) await tx.imagingStudy.createMany({ data: rows.studies });
      if (rows.series.length > 0) await tx.imagingSeries.createMany({ data: rows.series });
      await tx.imagingInstance.createMany({ data: rows.instances });
    });
  }

  studies(scope: Scope): Promise<StudyWithCounts[]> {
    return this.#db.imagingStudy.findMany({
      where: studyWhere(scope),
      select: { ...studySelect, series: { select: { modality: true, _count: { select: { instances: true } } } } },
      orderBy: ordered.studies,
    });
  }

  series(scope: Scope): Promise<SeriesWithStudy[]> {
    return this.#db.imagingSeries.findMany({
      where: seriesWhere(scope),
      select: { ...seriesSelect, study: { select: studySelect }, _count: { select: { instances: true } } },
      orderBy: [{ study: { studyDate: 'asc' } }, { study: { studyInstanceUid: 'asc' } }, ...ordered.series],
    });
  }

  instances(scope: Scope): Promise<InstanceWithParents[]> {
    return this.#db.imagingInstance.findMany({
      where: { series: seriesWhere(scope), ...(scope.sopUids ? { sopInstanceUid: { in: [...scope.sopUids] } } : {}) },
      select: { ...instanceSelect, series: { select: { ...seriesSelect, study: { select: studySelect } } } },
      orderBy: [{ series: { study: { studyInstanceUid: 'asc' } } }, { series: { seriesNumber: 'asc' } }, { series: { seriesInstanceUid: 'asc' } }, ...ordered.instances],
    });
  }
}
