import { router, createCallerFactory } from './trpc.ts';
import { authRouter } from './auth/auth.router.ts';
import { projectsRouter } from './projects/projects.router.ts';
import { labelingRouter } from './labeling/labeling.router.ts';
import { modelsRouter } from './learning/models.router.ts';
import { reviewRouter } from './review/review.router.ts';
import { exploreRouter } from './explore/explore.router.ts';
import { apiKeysRouter } from './api-keys/api-keys.router.ts';
import { monitoringRouter } from './monitoring/monitoring.router.ts';
import { webhooksRouter } from './webhooks/webhooks.router.ts';

export const appRouter = router({
  auth: authRouter,
  projects: projectsRouter,
  labeling: labelingRouter,
  models: modelsRouter,
  review: reviewRouter,
  explore: exploreRouter,
  apiKeys: apiKeysRouter,
  monitoring: monitoringRouter,
  webhooks: webhooksRouter,
});
export type AppRouter = typeof appRouter;

export const createCaller = createCallerFactory(appRouter);
