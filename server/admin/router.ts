import { grantRoleInput, revokeRoleInput, saveHcpInput, userSearchInput } from '../../app/admin/schemas.ts';
import { permitted, router } from '../trpc.ts';

export const adminRouter = router({
  users: permitted('admin.roles')
    .input(userSearchInput)
    .query(({ ctx, input }) => ctx.services.admin.users(input.query)),
  grantRole: permitted('admin.roles')
    .input(grantRoleInput)
    .mutation(({ ctx, input }) => ctx.services.admin.grantRole(ctx.actor.userId, input, ctx.audit)),
  revokeRole: permitted('admin.roles')
    .input(revokeRoleInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.admin.revokeRole(ctx.actor.userId, input.grantId, ctx.audit);
      return { ok: true as const };
    }),
  reviewDue: permitted('admin.roles').query(({ ctx }) => ctx.services.admin.reviewDue()),
  hcps: permitted('admin.reference').query(({ ctx }) => ctx.services.admin.hcps()),
  saveHcp: permitted('admin.reference')
    .input(saveHcpInput)
    .mutation(({ ctx, input }) => ctx.services.admin.saveHcp(input, ctx.audit)),
});
