import { acceptConsentInput, confirmInput, profileInput } from '../../app/account/schemas.ts';
import { permitted, router } from '../trpc.ts';

const ok = { ok: true as const };

export const accountRouter = router({
  /** The user consent and privacy statement, readable before accepting it. */
  statement: permitted('session.use').query(({ ctx }) => ctx.services.account.statement()),
  acceptConsent: permitted('session.use')
    .input(acceptConsentInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.account.acceptConsent(ctx.actor.userId, input.version, ctx.audit);
      return ok;
    }),
  withdrawConsent: permitted('account.close').mutation(async ({ ctx }) => {
    await ctx.services.account.withdrawConsent(ctx.actor.userId, ctx.audit);
    return ok;
  }),
  update: permitted('account.update')
    .input(profileInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.account.update(ctx.actor, input, ctx.audit);
      return ok;
    }),
  deactivate: permitted('account.close')
    .input(confirmInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.account.deactivate(ctx.actor.userId, input.confirm, ctx.audit);
      return ok;
    }),
  delete: permitted('account.close')
    .input(confirmInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.account.delete(ctx.actor.userId, input.confirm, ctx.audit);
      return ok;
    }),
});
