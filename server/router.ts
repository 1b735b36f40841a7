// The whole API: one sub-router per feature. Clients import only `type AppRouter` from here.
import { codesRouter } from './codes/index.ts';
import { identityRouter } from './identity/index.ts';
import { systemRouter } from './system/router.ts';
import { trainingRouter } from './training/router.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  codes: codesRouter,
  identity: identityRouter,
  system: systemRouter,
  training: trainingRouter,
});

export type AppRouter = typeof appRouter;
