// Prisma access for a patient's files: explicit selects, and each change written with its History
// event in one transaction.
import type { Prisma, PrismaClient } from '../../db/generated/client.ts';

export const patientFileSelect = {
  id: true,
  patientId: true,
  name: true,
  contentType: true,
  size: true,
  blobId: true,
  purpose: true,
  uploadedById: true,
  createdAt: true,
} satisfies Prisma.PatientFileSelect;

export type PatientFileRow = Prisma.PatientFileGetPayload<{ select: typeof patientFileSelect }>;

/** A History event's details: ids, codes and enums only (never the file's name). */
type EventDetails = Record<string, string | number>;

export class FilesRepo {
  constructor(readonly db: PrismaClient) {}

  list(patientId: string): Promise<PatientFileRow[]> {
    return this.db.patientFile.findMany({ where: { patientId }, select: patientFileSelect, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }] });
  }

  find(patientId: string, fileId: string): Promise<PatientFileRow | null> {
    return this.db.patientFile.findFirst({ where: { id: fileId, patientId }, select: patientFileSelect });
  }

  people(userIds: readonly string[]) {
    return this.db.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, firstName: true, lastName: true, status: true } });
  }

  /** Adds the file and its "file_added" event. */
  async create(file: Omit<PatientFileRow, 'id'> & { id: string }, actorId: string, details: EventDetails): Promise<PatientFileRow> {
    const [row] = await this.db.$transaction([
      this.db.patientFile.create({ data: file, select: patientFileSelect }),
      this.db.patientEvent.create({ data: { patientId: file.patientId, at: file.createdAt, actorId, kind: 'file_added', details: JSON.stringify(details) }, select: { id: true } }),
    ]);
    return row;
  }

  /** Removes the file and writes its "file_deleted" event; false if it was already gone. */
  async delete(file: PatientFileRow, at: Date, actorId: string, details: EventDetails): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const removed = await tx.patientFile.deleteMany({ where: { id: file.id } });
      if (removed.count === 0) return false;
      await tx.patientEvent.create({ data: { patientId: file.patientId, at, actorId, kind: 'file_deleted', details: JSON.stringify(details) }, select: { id: true } });
      return true;
    });
  }
}

/**
 * Whether any record still refers to the blob: a patient's file or a stored DICOM instance (every
 * table holding blob ids; equal bytes are stored once, so a file and an instance may share a blob).
 */
export function blobReferenced(db: PrismaClient): (blobId: string) => Promise<boolean> {
  return async (blobId) => (await db.patientFile.count({ where: { blobId } })) > 0 || (await db.imagingInstance.count({ where: { blobId } })) > 0;
}
