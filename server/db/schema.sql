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
    "deactivatedReason" TEXT,
    "deactivatedAt" DATETIME,
    "failedSignIns" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" DATETIME,
    "createdAt" DATETIME NOT NULL,
    "consentVersion" TEXT,
    "consentAcceptedAt" DATETIME,
    "guestUntil" DATETIME,
    "lastActiveAt" DATETIME,
    "reviewDueAt" DATETIME,
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
    "actingForId" TEXT,
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
CREATE TABLE "ThematicArea" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "ernId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    CONSTRAINT "ThematicArea_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "GlobalRoleGrant" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "hcpId" TEXT NOT NULL DEFAULT '',
    "grantedById" TEXT,
    "createdAt" DATETIME NOT NULL,
    CONSTRAINT "GlobalRoleGrant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AccessRequest" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "ernId" TEXT NOT NULL,
    "hcpId" TEXT NOT NULL,
    "profile" TEXT NOT NULL,
    "comment" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "decidedById" TEXT,
    "decidedAt" DATETIME,
    "reason" TEXT,
    "guestDays" INTEGER,
    CONSTRAINT "AccessRequest_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AccessRequest_hcpId_fkey" FOREIGN KEY ("hcpId") REFERENCES "Hcp" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AssistantAppointment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "principalId" TEXT NOT NULL,
    "assistantId" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "revokedAt" DATETIME,
    CONSTRAINT "AssistantAppointment_principalId_fkey" FOREIGN KEY ("principalId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AssistantAppointment_assistantId_fkey" FOREIGN KEY ("assistantId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "data" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "readAt" DATETIME,
    CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "AuditRecord" (
    "seq" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "actorId" TEXT,
    "onBehalfOfId" TEXT,
    "action" TEXT NOT NULL,
    "recordType" TEXT,
    "recordId" TEXT,
    "outcome" TEXT NOT NULL,
    "details" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "SchemaMigration" (
    "name" TEXT NOT NULL PRIMARY KEY
);

-- CreateTable
CREATE TABLE "ExternalIdentity" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "issuer" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL,
    "lastSignInAt" DATETIME NOT NULL,
    CONSTRAINT "ExternalIdentity_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

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
CREATE INDEX "User_hcpId_idx" ON "User"("hcpId");

-- CreateIndex
CREATE INDEX "User_lastName_firstName_idx" ON "User"("lastName", "firstName");

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
CREATE INDEX "ThematicArea_ernId_name_idx" ON "ThematicArea"("ernId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "ThematicArea_userId_ernId_name_key" ON "ThematicArea"("userId", "ernId", "name");

-- CreateIndex
CREATE UNIQUE INDEX "GlobalRoleGrant_userId_role_hcpId_key" ON "GlobalRoleGrant"("userId", "role", "hcpId");

-- CreateIndex
CREATE INDEX "AccessRequest_ernId_status_idx" ON "AccessRequest"("ernId", "status");

-- CreateIndex
CREATE INDEX "AccessRequest_userId_status_idx" ON "AccessRequest"("userId", "status");

-- CreateIndex
CREATE INDEX "AssistantAppointment_principalId_idx" ON "AssistantAppointment"("principalId");

-- CreateIndex
CREATE INDEX "AssistantAppointment_assistantId_idx" ON "AssistantAppointment"("assistantId");

-- CreateIndex
CREATE INDEX "Notification_userId_createdAt_idx" ON "Notification"("userId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditRecord_actorId_idx" ON "AuditRecord"("actorId");

-- CreateIndex
CREATE INDEX "AuditRecord_onBehalfOfId_idx" ON "AuditRecord"("onBehalfOfId");

-- CreateIndex
CREATE INDEX "AuditRecord_action_idx" ON "AuditRecord"("action");

-- CreateIndex
CREATE INDEX "AuditRecord_recordId_idx" ON "AuditRecord"("recordId");

-- CreateIndex
CREATE INDEX "AuditRecord_at_idx" ON "AuditRecord"("at");

-- CreateIndex
CREATE INDEX "ExternalIdentity_userId_idx" ON "ExternalIdentity"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "ExternalIdentity_issuer_subject_key" ON "ExternalIdentity"("issuer", "subject");

-- CreateIndex
CREATE UNIQUE INDEX "Patient_pseudonymousId_key" ON "Patient"("pseudonymousId");

-- CreateIndex
CREATE UNIQUE INDEX "Patient_nicknameKey_key" ON "Patient"("nicknameKey");

-- CreateIndex
CREATE INDEX "Patient_hcpId_createdAt_id_ernId_sex_status_idx" ON "Patient"("hcpId", "createdAt", "id", "ernId", "sex", "status");

-- CreateIndex
CREATE INDEX "Patient_hcpId_nicknameKey_idx" ON "Patient"("hcpId", "nicknameKey");

-- CreateIndex
CREATE INDEX "Patient_hcpId_birthYearMonth_nicknameKey_idx" ON "Patient"("hcpId", "birthYearMonth", "nicknameKey");

-- CreateIndex
CREATE INDEX "Patient_enrolledById_createdAt_id_hcpId_ernId_sex_status_idx" ON "Patient"("enrolledById", "createdAt", "id", "hcpId", "ernId", "sex", "status");

-- CreateIndex
CREATE INDEX "Patient_enrolledById_nicknameKey_hcpId_idx" ON "Patient"("enrolledById", "nicknameKey", "hcpId");

-- CreateIndex
CREATE INDEX "Patient_createdAt_idx" ON "Patient"("createdAt");

-- CreateIndex
CREATE INDEX "Patient_reviewDueAt_idx" ON "Patient"("reviewDueAt");

-- CreateIndex
CREATE INDEX "PatientNameToken_patientId_idx" ON "PatientNameToken"("patientId");

-- CreateIndex
CREATE INDEX "PatientConsent_patientId_idx" ON "PatientConsent"("patientId");

-- CreateIndex
CREATE INDEX "PatientParticipant_userId_patientId_idx" ON "PatientParticipant"("userId", "patientId");

-- CreateIndex
CREATE INDEX "PatientFile_patientId_createdAt_idx" ON "PatientFile"("patientId", "createdAt");

-- CreateIndex
CREATE INDEX "PatientFile_blobId_idx" ON "PatientFile"("blobId");

-- CreateIndex
CREATE INDEX "PatientEvent_patientId_at_idx" ON "PatientEvent"("patientId", "at");

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
