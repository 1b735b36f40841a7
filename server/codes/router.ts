import { codeGetInput, codeSearchInput } from '../../app/codes/schemas.ts';
import { permitted, router } from '../trpc.ts';

export const codesRouter = router({
  search: permitted('codes.read').input(codeSearchInput).query(({ ctx, input }) => ctx.services.codes.search(input)),
  get: permitted('codes.read').input(codeGetInput).query(({ ctx, input }) => ctx.services.codes.get(input)),
  about: permitted('codes.read').query(({ ctx }) => ctx.services.codes.about()),
});
