import { directorySearchInput } from '../../app/directory/schemas.ts';
import { permitted, router } from '../trpc.ts';

export const directoryRouter = router({
  search: permitted('directory.search')
    .input(directorySearchInput)
    .query(({ ctx, input }) => ctx.services.directory.search(input)),
  hcps: permitted('directory.search').query(({ ctx }) => ctx.services.directory.hcps()),
});
