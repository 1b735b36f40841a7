import { codeGetInput, codeSearchInput } from '../../app/codes/schemas.ts';
import { authedProcedure, router } from '../trpc.ts';

export const codesRouter = router({
  search: authedProcedure.input(codeSearchInput).query(({ ctx, input }) => ctx.services.codes.search(input)),
  get: authedProcedure.input(codeGetInput).query(({ ctx, input }) => ctx.services.codes.get(input)),
  about: authedProcedure.query(({ ctx }) => ctx.services.codes.about()),
});
