import { publicProcedure, router } from '../trpc.ts';
import { totpPeriodSeconds } from '../identity/totp.ts';

export const trainingRouter = router({
  /** The demo accounts and their current codes, again at every new time step (training mode only). */
  demoCodes: publicProcedure.subscription(async function* ({ ctx, signal }) {
    while (!signal?.aborted) {
      const codes = await ctx.services.training.demoCodes();
      yield codes;
      // By the service's clock, which made validUntil (not Date.now(): the clock may be another).
      const wait = Math.max(50, ctx.services.training.msUntilStale(codes));
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(wait, totpPeriodSeconds * 1000));
        signal?.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        }, { once: true });
      });
    }
  }),
});
