-- DropIndex
DROP INDEX "Patient_enrolledById_nicknameKey_idx";

-- DropIndex
DROP INDEX "PatientParticipant_userId_idx";

-- CreateIndex
CREATE INDEX "Patient_hcpId_createdAt_id_ernId_sex_status_idx" ON "Patient"("hcpId", "createdAt", "id", "ernId", "sex", "status");

-- CreateIndex
CREATE INDEX "Patient_hcpId_birthYearMonth_nicknameKey_idx" ON "Patient"("hcpId", "birthYearMonth", "nicknameKey");

-- CreateIndex
CREATE INDEX "Patient_enrolledById_createdAt_id_hcpId_ernId_sex_status_idx" ON "Patient"("enrolledById", "createdAt", "id", "hcpId", "ernId", "sex", "status");

-- CreateIndex
CREATE INDEX "Patient_enrolledById_nicknameKey_hcpId_idx" ON "Patient"("enrolledById", "nicknameKey", "hcpId");

-- CreateIndex
CREATE INDEX "PatientParticipant_userId_patientId_idx" ON "PatientParticipant"("userId", "patientId");
