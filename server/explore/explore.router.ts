import { router, projectProcedure } from '../trpc.ts';
import { MapInput, RareInput, SearchInput, SimilarInput } from './explore.schema.ts';
import { findSimilar, getClassDistribution, getRareCandidates, getSampleMap, search } from './explore.service.ts';

export const exploreRouter = router({
  similar: projectProcedure.input(SimilarInput).query(({ ctx, input }) => findSimilar(ctx.deps, ctx.access, input)),
  search: projectProcedure.input(SearchInput).mutation(({ ctx, input }) => search(ctx.deps, ctx.access, input)),
  classes: projectProcedure.query(({ ctx }) => getClassDistribution(ctx.deps, ctx.access)),
  map: projectProcedure.input(MapInput).query(({ ctx, input }) => getSampleMap(ctx.deps, ctx.access, input)),
  rare: projectProcedure.input(RareInput).query(({ ctx, input }) => getRareCandidates(ctx.deps, ctx.access, input)),
});
