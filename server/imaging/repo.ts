// Prisma access for the imaging index: studies, series and instances (the bytes are in the blob store).
import type { Prisma, PrismaClient } from '../db/generated/client.ts';

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

/** What a new instance adds to the index; study and series rows are created when missing. */
export interface NewInstance {
  readonly now: Date;
  readonly uploaderId: string;
  readonly study: Omit<Prisma.ImagingStudyUncheckedCreateInput, 'createdAt' | 'uploaderId' | 'series'>;
  readonly series: Omit<Prisma.ImagingSeriesUncheckedCreateInput, 'createdAt' | 'studyId' | 'instances'>;
  readonly instance: Omit<Prisma.ImagingInstanceUncheckedCreateInput, 'createdAt' | 'seriesId' | 'uploaderId'>;
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

  constructor(db: PrismaClient) {
    this.#db = db;
  }

  async uploadersOfPatient(patientKey: string): Promise<string[]> {
    const rows = await this.#db.imagingStudy.findMany({ where: { patientId: patientKey }, select: { uploaderId: true }, distinct: ['uploaderId'] });
    return rows.map((row) => row.uploaderId);
  }

  async patientKeysUploadedBy(userId: string): Promise<string[]> {
    const rows = await this.#db.imagingStudy.findMany({ where: { uploaderId: userId }, select: { patientId: true }, distinct: ['patientId'] });
    return rows.map((row) => row.patientId);
  }

  /** An instance by SOP Instance UID, with where it belongs. */
  findInstance(sopInstanceUid: string) {
    return this.#db.imagingInstance.findUnique({
      where: { sopInstanceUid },
      select: { ...instanceSelect, series: { select: { seriesInstanceUid: true, study: { select: { studyInstanceUid: true, patientId: true } } } } },
    });
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

  /** Adds an instance, and its study and series if new, in one transaction. */
  insertInstance(input: NewInstance): Promise<void> {
    const { now, uploaderId } = input;
    return this.#db.$transaction(async (tx) => {
      const study = await tx.imagingStudy.findUnique({ where: { studyInstanceUid: input.study.studyInstanceUid }, select: { id: true } });
      const studyId = study?.id ?? (await tx.imagingStudy.create({ data: { ...input.study, uploaderId, createdAt: now }, select: { id: true } })).id;
      const series = await tx.imagingSeries.findUnique({ where: { seriesInstanceUid: input.series.seriesInstanceUid }, select: { id: true } });
      const seriesId = series?.id ?? (await tx.imagingSeries.create({ data: { ...input.series, studyId, createdAt: now }, select: { id: true } })).id;
      await tx.imagingInstance.create({ data: { ...input.instance, seriesId, uploaderId, createdAt: now }, select: { id: true } });
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
