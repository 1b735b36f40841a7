import { auditFilter, auditSearchInput } from '../../app/audit/schemas.ts';
import { permitted, router } from '../trpc.ts';

export const auditRouter = router({
  search: permitted('audit.read')
    .input(auditSearchInput)
    .query(({ ctx, input }) => {
      const { page, pageSize, ...filter } = input;
      return ctx.services.audit.search(filter, page, pageSize);
    }),
  /** The matching records as CSV; exporting is itself recorded. */
  exportCsv: permitted('audit.read', { auditReads: true })
    .input(auditFilter)
    .query(async ({ ctx, input }) => ({ csv: await ctx.services.audit.csv(input) })),
  verify: permitted('audit.read').query(({ ctx }) => ctx.services.audit.verify()),
});
