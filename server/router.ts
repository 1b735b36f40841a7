// The whole API: one sub-router per feature. Clients import only `type AppRouter` from here.
import { accessRouter } from './access/router.ts';
import { accountRouter } from './account/router.ts';
import { adminRouter } from './admin/router.ts';
import { assistantsRouter } from './assistants/router.ts';
import { auditRouter } from './audit/router.ts';
import { directoryRouter } from './directory/router.ts';
import { codesRouter } from './codes/index.ts';
import { identityRouter } from './identity/index.ts';
import { imagingRouter } from './imaging/index.ts';
import { notificationsRouter } from './notifications/router.ts';
import { patientsRouter } from './patients/router.ts';
import { systemRouter } from './system/router.ts';
import { trainingRouter } from './training/router.ts';
import { router } from './trpc.ts';

export const appRouter = router({
  codes: codesRouter,
  identity: identityRouter,
  account: accountRouter,
  access: accessRouter,
  assistants: assistantsRouter,
  directory: directoryRouter,
  notifications: notificationsRouter,
  patients: patientsRouter,
  imaging: imagingRouter,
  audit: auditRouter,
  admin: adminRouter,
  system: systemRouter,
  training: trainingRouter,
});

export type AppRouter = typeof appRouter;
