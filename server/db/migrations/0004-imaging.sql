-- CreateTable
CREATE TABLE "ImagingStudy" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studyInstanceUid" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "patientName" TEXT NOT NULL,
    "patientBirthDate" TEXT NOT NULL,
    "patientSex" TEXT NOT NULL,
    "studyDate" TEXT NOT NULL,
    "studyTime" TEXT NOT NULL,
    "accessionNumber" TEXT NOT NULL,
    "referringPhysicianName" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "studyDescription" TEXT NOT NULL,
    "specificCharacterSet" TEXT NOT NULL,
    "uploaderId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "ImagingSeries" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "studyId" TEXT NOT NULL,
    "seriesInstanceUid" TEXT NOT NULL,
    "modality" TEXT NOT NULL,
    "seriesNumber" INTEGER,
    "seriesDescription" TEXT NOT NULL,
    "ppsStartDate" TEXT NOT NULL,
    "ppsStartTime" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "ImagingSeries_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "ImagingStudy" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ImagingInstance" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "seriesId" TEXT NOT NULL,
    "studyInstanceUid" TEXT NOT NULL,
    "seriesInstanceUid" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,
    "sopInstanceUid" TEXT NOT NULL,
    "sopClassUid" TEXT NOT NULL,
    "instanceNumber" INTEGER,
    "rows" INTEGER,
    "columns" INTEGER,
    "bitsAllocated" INTEGER,
    "numberOfFrames" INTEGER,
    "transferSyntaxUid" TEXT NOT NULL,
    "blobId" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "frames" TEXT,
    "uploaderId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "ImagingInstance_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "ImagingSeries" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "ImagingStudy_studyInstanceUid_key" ON "ImagingStudy"("studyInstanceUid");

-- CreateIndex
CREATE INDEX "ImagingStudy_patientId_idx" ON "ImagingStudy"("patientId");

-- CreateIndex
CREATE INDEX "ImagingStudy_uploaderId_idx" ON "ImagingStudy"("uploaderId");

-- CreateIndex
CREATE UNIQUE INDEX "ImagingSeries_seriesInstanceUid_key" ON "ImagingSeries"("seriesInstanceUid");

-- CreateIndex
CREATE INDEX "ImagingSeries_studyId_idx" ON "ImagingSeries"("studyId");

-- CreateIndex
CREATE UNIQUE INDEX "ImagingInstance_sopInstanceUid_key" ON "ImagingInstance"("sopInstanceUid");

-- CreateIndex
CREATE INDEX "ImagingInstance_seriesId_idx" ON "ImagingInstance"("seriesId");

-- CreateIndex
CREATE INDEX "ImagingInstance_blobId_idx" ON "ImagingInstance"("blobId");
