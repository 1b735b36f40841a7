// The list of a patient's files and their deletion, as procedures (the bytes travel by routes.ts).
import { principalFor } from '../../../app/access/policy.ts';
import { fileDeleteInput, fileListInput } from '../../../app/patients/files.ts';
import { permitted, router } from '../../trpc.ts';

export const filesRouter = router({
  /** The files the reader may see (consent forms only with the identity), and the size limit. */
  list: permitted('patients.read')
    .input(fileListInput)
    .query(({ ctx, input }) => ctx.services.files.list(principalFor(ctx.actor, 'patients.read'), input.patientId)),
  /** By the file's uploader or the lead (the enrolling clinician). */
  delete: permitted('patients.write')
    .input(fileDeleteInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.files.delete(ctx.actor, principalFor(ctx.actor, 'patients.write'), input.patientId, input.fileId, ctx.audit);
      return { ok: true as const };
    }),
});
