-- CreateIndex
CREATE INDEX "PatientFile_blobId_idx" ON "PatientFile"("blobId");
