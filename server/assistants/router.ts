import { actAsInput, appointInput, candidatesInput, revokeInput } from '../../app/assistants/schemas.ts';
import { permitted, router } from '../trpc.ts';

export const assistantsRouter = router({
  list: permitted('session.use').query(({ ctx }) => ctx.services.assistants.list(ctx.actor.userId)),
  candidates: permitted('assistants.appoint')
    .input(candidatesInput)
    .query(({ ctx, input }) => ctx.services.assistants.candidates(ctx.actor, input.query)),
  appoint: permitted('assistants.appoint')
    .input(appointInput)
    .mutation(({ ctx, input }) => ctx.services.assistants.appoint(ctx.actor, input.userId, ctx.audit)),
  revoke: permitted('assistants.appoint')
    .input(revokeInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.assistants.revoke(ctx.actor, input.appointmentId, ctx.audit);
      return { ok: true as const };
    }),
  /** Act for a clinician who appointed me, or as myself again (null). */
  actAs: permitted('assistants.actAs')
    .input(actAsInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.identity.actAs(ctx.caller, input.principalId);
      if (input.principalId) ctx.audit.about('user', input.principalId);
      return { ok: true as const };
    }),
});
