import { router, projectProcedure } from '../trpc.ts';
import { MonitoringInput } from './monitoring.schema.ts';
import { checkDriftNow, getMonitoring } from './monitoring.service.ts';

export const monitoringRouter = router({
  overview: projectProcedure.input(MonitoringInput).query(({ ctx, input }) => getMonitoring(ctx.deps, ctx.access, input)),
  checkDrift: projectProcedure.mutation(({ ctx }) => checkDriftNow(ctx.deps, ctx.access)),
});
