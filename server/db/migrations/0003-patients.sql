-- CreateTable
CREATE TABLE "Patient" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "pseudonymousId" TEXT NOT NULL,
    "nickname" TEXT NOT NULL,
    "nicknameKey" TEXT NOT NULL,
    "ernId" TEXT NOT NULL,
    "hcpId" TEXT NOT NULL,
    "enrolledById" TEXT NOT NULL,
    "sex" TEXT NOT NULL,
    "birthYearMonth" TEXT NOT NULL,
    "birthArea" TEXT NOT NULL,
    "residenceArea" TEXT NOT NULL,
    "identitySealed" TEXT,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "anonymisedAt" DATETIME,
    "reviewDueAt" DATETIME NOT NULL,
    "reviewRemindedAt" DATETIME,
    "record" TEXT NOT NULL DEFAULT '{}',
    "recordVersion" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "Patient_enrolledById_fkey" FOREIGN KEY ("enrolledById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatientNameToken" (
    "token" TEXT NOT NULL,
    "patientId" TEXT NOT NULL,

    PRIMARY KEY ("token", "patientId"),
    CONSTRAINT "PatientNameToken_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatientConsent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "patientId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "form" TEXT NOT NULL,
    "givenAt" DATETIME NOT NULL,
    "registeredById" TEXT NOT NULL,
    "withdrawnAt" DATETIME,
    "withdrawnById" TEXT,
    CONSTRAINT "PatientConsent_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatientParticipant" (
    "patientId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "addedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,

    PRIMARY KEY ("patientId", "userId"),
    CONSTRAINT "PatientParticipant_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "PatientParticipant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatientFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "patientId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "blobId" TEXT NOT NULL,
    "purpose" TEXT NOT NULL,
    "uploadedById" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "PatientFile_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "PatientEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "patientId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "actorId" TEXT,
    "kind" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    CONSTRAINT "PatientEvent_patientId_fkey" FOREIGN KEY ("patientId") REFERENCES "Patient" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE UNIQUE INDEX "Patient_pseudonymousId_key" ON "Patient"("pseudonymousId");

-- CreateIndex
CREATE UNIQUE INDEX "Patient_nicknameKey_key" ON "Patient"("nicknameKey");

-- CreateIndex
CREATE INDEX "Patient_enrolledById_nicknameKey_idx" ON "Patient"("enrolledById", "nicknameKey");

-- CreateIndex
CREATE INDEX "Patient_hcpId_nicknameKey_idx" ON "Patient"("hcpId", "nicknameKey");

-- CreateIndex
CREATE INDEX "Patient_createdAt_idx" ON "Patient"("createdAt");

-- CreateIndex
CREATE INDEX "Patient_reviewDueAt_idx" ON "Patient"("reviewDueAt");

-- CreateIndex
CREATE INDEX "PatientNameToken_patientId_idx" ON "PatientNameToken"("patientId");

-- CreateIndex
CREATE INDEX "PatientConsent_patientId_idx" ON "PatientConsent"("patientId");

-- CreateIndex
CREATE INDEX "PatientParticipant_userId_idx" ON "PatientParticipant"("userId");

-- CreateIndex
CREATE INDEX "PatientFile_patientId_createdAt_idx" ON "PatientFile"("patientId", "createdAt");

-- CreateIndex
CREATE INDEX "PatientEvent_patientId_at_idx" ON "PatientEvent"("patientId", "at");
