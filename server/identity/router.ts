import { on } from 'node:events';
import { refreshInput, signInInput, unlockInput } from '../../app/identity/schemas.ts';
import { permitted, publicProcedure, router } from '../trpc.ts';
import { oidcRouter } from './oidc/index.ts';
import type { SessionEndReason } from './service.ts';

export const identityRouter = router({
  /** Sign-in through an OpenID Connect provider (the rest of it is HTTP routes: see oidc/routes.ts). */
  oidc: oidcRouter,
  signIn: publicProcedure.input(signInInput).mutation(({ ctx, input }) => ctx.services.identity.signIn(input, ctx.clientAddress)),
  refresh: publicProcedure.input(refreshInput).mutation(({ ctx, input }) => ctx.services.identity.refresh(input.refreshToken)),
  signOut: permitted('session.use').mutation(async ({ ctx }) => {
    await ctx.services.identity.signOut(ctx.caller);
    return { ok: true as const };
  }),
  /** The workstation locked after inactivity: the password opens it again. */
  unlock: permitted('session.use')
    .input(unlockInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.identity.unlock(ctx.caller, input.password);
      return { ok: true as const };
    }),
  me: permitted('session.use').query(({ ctx }) => ctx.services.identity.me(ctx.caller, ctx.actor)),
  /** Tells a signed-in client at once when its session is ended elsewhere (revoked, token reuse). */
  sessionEnded: permitted('session.use').subscription(async function* ({ ctx, signal }) {
    const ended = on(ctx.services.identity.sessionEvents, 'ended', { signal });
    // Listening now: look once more, so an end between authentication and here is not missed.
    const already = await ctx.services.identity.endReason(ctx.caller);
    if (already) {
      yield { reason: already };
      return;
    }
    for await (const [sessionId, reason] of ended) {
      if (sessionId === ctx.caller.sessionId) {
        yield { reason: reason as SessionEndReason };
        return;
      }
    }
  }),
});
