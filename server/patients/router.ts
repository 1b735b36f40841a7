import { eraseInput, enrolInput, nicknameCheckInput, participantInput, patientIdInput, patientListInput, withdrawConsentInput } from '../../app/patients/schemas.ts';
import { principalFor } from '../../app/access/policy.ts';
import { saveRecordInput } from '../../app/patients/record.ts';
import { z } from 'zod';
import { permitted, router } from '../trpc.ts';
import { filesRouter } from './files/index.ts';

const ok = { ok: true as const };
const nameInput = z.object({ firstName: z.string().max(100).default(''), lastName: z.string().max(100).default('') });

export const patientsRouter = router({
  enrolErns: permitted('patients.enrol').query(({ ctx }) => ctx.services.patients.enrolErns(principalFor(ctx.actor, 'patients.enrol'))),
  files: filesRouter,
  suggestNickname: permitted('patients.enrol')
    .input(nameInput)
    .query(async ({ ctx, input }) => ({ nickname: await ctx.services.patients.suggestNickname(input) })),
  checkNickname: permitted('patients.enrol')
    .input(nicknameCheckInput)
    .query(({ ctx, input }) => ctx.services.patients.checkNickname(input)),
  enrol: permitted('patients.enrol')
    .input(enrolInput)
    .mutation(({ ctx, input }) => ctx.services.patients.enrol(ctx.actor, principalFor(ctx.actor, 'patients.enrol'), input, ctx.audit)),
  list: permitted('patients.read')
    .input(patientListInput)
    .query(({ ctx, input }) => ctx.services.patients.list(principalFor(ctx.actor, 'patients.read'), input)),
  /** Opening a record is recorded: who saw which patient, when. */
  get: permitted('patients.read', { auditReads: true })
    .input(patientIdInput)
    .query(({ ctx, input }) => {
      ctx.audit.about('patient', input.patientId);
      return ctx.services.patients.get(principalFor(ctx.actor, 'patients.read'), input.patientId);
    }),
  history: permitted('patients.read')
    .input(patientIdInput)
    .query(({ ctx, input }) => ctx.services.patients.history(principalFor(ctx.actor, 'patients.read'), input.patientId)),
  addParticipant: permitted('patients.write')
    .input(participantInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.patients.addParticipant(ctx.actor, principalFor(ctx.actor, 'patients.write'), input.patientId, input.userId, ctx.audit);
      return ok;
    }),
  removeParticipant: permitted('patients.write')
    .input(participantInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.patients.removeParticipant(ctx.actor, principalFor(ctx.actor, 'patients.write'), input.patientId, input.userId, ctx.audit);
      return ok;
    }),
  withdrawConsents: permitted('patients.write')
    .input(withdrawConsentInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.patients.withdrawConsents(ctx.actor, principalFor(ctx.actor, 'patients.write'), input.patientId, input.kinds, ctx.audit);
      return ok;
    }),
  /** The medical record alone (e.g. the newer version after a conflict); recorded like opening the patient. */
  record: permitted('patients.read', { auditReads: true })
    .input(patientIdInput)
    .query(({ ctx, input }) => {
      ctx.audit.about('patient', input.patientId);
      return ctx.services.patients.record(principalFor(ctx.actor, 'patients.read'), input.patientId);
    }),
  saveRecord: permitted('patients.write')
    .input(saveRecordInput)
    .mutation(({ ctx, input }) =>
      ctx.services.patients.saveRecord(ctx.actor, principalFor(ctx.actor, 'patients.write'), input.patientId, input.version, input.record, ctx.audit),
    ),
  delete: permitted('patients.write')
    .input(patientIdInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.patients.delete(principalFor(ctx.actor, 'patients.write'), input.patientId, ctx.audit);
      return ok;
    }),
  /** What an export of the patient holds, before it is downloaded from the export route (export-route.ts). */
  exportSummary: permitted('patients.export')
    .input(patientIdInput)
    .query(({ ctx, input }) => ctx.services.patientExport.summary(principalFor(ctx.actor, 'patients.export'), input.patientId)),
  /** The 15-year retention review: "Keep for another 15 years". */
  keepAfterReview: permitted('patients.write')
    .input(patientIdInput)
    .mutation(({ ctx, input }) => ctx.services.patientReview.keep(ctx.actor, principalFor(ctx.actor, 'patients.write'), input.patientId, ctx.audit)),
  erase: permitted('patients.erase')
    .input(eraseInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.patients.erase(ctx.actor, input.patientId, input.confirm, ctx.audit);
      return ok;
    }),
});
