import { accessRequestInput, decideInput, extendGuestInput, guestsInput, hcpsInput, pendingInput, requestIdInput } from '../../app/access/schemas.ts';
import { permitted, router } from '../trpc.ts';

export const accessRouter = router({
  erns: permitted('access.request').query(({ ctx }) => ctx.services.access.erns()),
  hcps: permitted('access.request')
    .input(hcpsInput)
    .query(({ ctx, input }) => ctx.services.access.hcps(input.ernId, input.countryCode)),
  request: permitted('access.request')
    .input(accessRequestInput)
    .mutation(({ ctx, input }) => ctx.services.access.request(ctx.actor, input, ctx.audit)),
  mine: permitted('access.request').query(({ ctx }) => ctx.services.access.mine(ctx.actor)),
  cancel: permitted('access.request')
    .input(requestIdInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.access.cancel(ctx.actor, input.requestId, ctx.audit);
      return { ok: true as const };
    }),
  pending: permitted('access.review')
    .input(pendingInput)
    .query(({ ctx, input }) => ctx.services.access.pending(ctx.actor, input.ernId)),
  decide: permitted('access.review')
    .input(decideInput)
    .mutation(({ ctx, input }) => ctx.services.access.decide(ctx.actor, input, ctx.audit)),
  guests: permitted('guests.manage')
    .input(guestsInput)
    .query(({ ctx, input }) => ctx.services.access.guests(ctx.actor, input.ernId)),
  extendGuest: permitted('guests.manage')
    .input(extendGuestInput)
    .mutation(({ ctx, input }) => ctx.services.access.extendGuest(ctx.actor, input.userId, input.days, ctx.audit)),
});
