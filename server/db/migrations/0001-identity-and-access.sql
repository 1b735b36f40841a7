-- AlterTable
ALTER TABLE "Session" ADD COLUMN "actingForId" TEXT;

-- AlterTable
ALTER TABLE "User" ADD COLUMN "consentAcceptedAt" DATETIME;
ALTER TABLE "User" ADD COLUMN "consentVersion" TEXT;
ALTER TABLE "User" ADD COLUMN "deactivatedAt" DATETIME;
ALTER TABLE "User" ADD COLUMN "deactivatedReason" TEXT;
ALTER TABLE "User" ADD COLUMN "guestUntil" DATETIME;
ALTER TABLE "User" ADD COLUMN "lastActiveAt" DATETIME;
ALTER TABLE "User" ADD COLUMN "reviewDueAt" DATETIME;

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
CREATE INDEX "User_hcpId_idx" ON "User"("hcpId");

-- CreateIndex
CREATE INDEX "User_lastName_firstName_idx" ON "User"("lastName", "firstName");
