import { on } from 'node:events';
import { markReadInput } from '../../app/notifications/schemas.ts';
import { permitted, router } from '../trpc.ts';

export const notificationsRouter = router({
  list: permitted('notifications.read').query(({ ctx }) => ctx.services.notifications.list(ctx.actor.userId)),
  markRead: permitted('notifications.read')
    .input(markReadInput)
    .mutation(async ({ ctx, input }) => {
      await ctx.services.notifications.markRead(ctx.actor.userId, input.ids);
      return { ok: true as const };
    }),
  /** Tells the client when a new notification arrives for the user; it then reloads the list. */
  live: permitted('notifications.read').subscription(async function* ({ ctx, signal }) {
    for await (const [userId] of on(ctx.services.notifications.events, 'created', { signal })) {
      if (userId === ctx.actor.userId) yield { at: new Date().toISOString() };
    }
  }),
});
