// The tRPC side of a provider sign-in: redeeming the one-time ticket for a session.
import { DomainError } from '../../../app/errors.ts';
import { redeemTicketInput } from '../../../app/identity/oidc.ts';
import { publicProcedure, router } from '../../trpc.ts';

export const oidcRouter = router({
  /** The ticket of a provider sign-in for the token pair of a new session (once, within a minute). */
  redeemTicket: publicProcedure.input(redeemTicketInput).mutation(({ ctx, input }) => {
    if (!ctx.services.oidc) throw new DomainError('not_found');
    return ctx.services.oidc.redeemTicket(input);
  }),
});
