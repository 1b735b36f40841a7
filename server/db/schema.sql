-- CreateTable
CREATE TABLE "Ern" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "fullName" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "Hcp" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "city" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "guestAccess" BOOLEAN NOT NULL DEFAULT false
);

-- CreateTable
CREATE TABLE "HcpErn" (
    "hcpId" TEXT NOT NULL,
    "ernId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,

    PRIMARY KEY ("hcpId", "ernId"),
    CONSTRAINT "HcpErn_hcpId_fkey" FOREIGN KEY ("hcpId") REFERENCES "Hcp" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "HcpErn_ernId_fkey" FOREIGN KEY ("ernId") REFERENCES "Ern" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "username" TEXT NOT NULL,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "countryCode" TEXT NOT NULL,
    "phone" TEXT,
    "profession" TEXT NOT NULL,
    "expertise" TEXT,
    "hcpId" TEXT,
    "passwordHash" TEXT NOT NULL,
    "totpSecret" TEXT NOT NULL,
    "totpLastStep" INTEGER NOT NULL DEFAULT 0,
    "status" TEXT NOT NULL DEFAULT 'active',
    "failedSignIns" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "User_hcpId_fkey" FOREIGN KEY ("hcpId") REFERENCES "Hcp" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "ernId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Membership_ernId_fkey" FOREIGN KEY ("ernId") REFERENCES "Ern" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "lastSeenAt" DATETIME NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    "revokedReason" TEXT,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RefreshToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    CONSTRAINT "RefreshToken_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
CREATE UNIQUE INDEX "Hcp_code_countryCode_key" ON "Hcp"("code", "countryCode");

-- CreateIndex
CREATE INDEX "HcpErn_ernId_idx" ON "HcpErn"("ernId");

-- CreateIndex
CREATE UNIQUE INDEX "User_username_key" ON "User"("username");

-- CreateIndex
CREATE INDEX "Membership_ernId_idx" ON "Membership"("ernId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_ernId_role_key" ON "Membership"("userId", "ernId", "role");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "RefreshToken_tokenHash_key" ON "RefreshToken"("tokenHash");

-- CreateIndex
CREATE INDEX "RefreshToken_sessionId_idx" ON "RefreshToken"("sessionId");

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
