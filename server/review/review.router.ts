import { router, projectProcedure } from '../trpc.ts';
import { DecideSuspectInput, ResolveInput, ReviewListInput, SuspectListInput } from './review.schema.ts';
import { decideSuspect, listReviewQueue, listSuspects, resolveSample } from './review.service.ts';
import { getTeamStats } from './team.service.ts';

export const reviewRouter = router({
  disagreements: projectProcedure.input(ReviewListInput).query(({ ctx, input }) => listReviewQueue(ctx.deps, ctx.access, input)),
  resolve: projectProcedure.input(ResolveInput).mutation(({ ctx, input }) => resolveSample(ctx.deps, ctx.user, ctx.access, input)),
  suspects: projectProcedure.input(SuspectListInput).query(({ ctx, input }) => listSuspects(ctx.deps, ctx.access, input)),
  decideSuspect: projectProcedure.input(DecideSuspectInput).mutation(({ ctx, input }) => decideSuspect(ctx.deps, ctx.user, ctx.access, input)),
  team: projectProcedure.query(({ ctx }) => getTeamStats(ctx.deps, ctx.access)),
});
