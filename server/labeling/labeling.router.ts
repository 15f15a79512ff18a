import { router, projectProcedure } from '../trpc.ts';
import { AnnotateInput, AnnotateManyInput, NextSampleInput, SampleInput } from './labeling.schema.ts';
import { annotate, annotateMany, getNextSample, getSampleView, undoLast } from './labeling.service.ts';

export const labelingRouter = router({
  next: projectProcedure.input(NextSampleInput).query(({ ctx, input }) => getNextSample(ctx.deps, ctx.user, ctx.access, input)),
  sample: projectProcedure.input(SampleInput).query(({ ctx, input }) => getSampleView(ctx.deps, ctx.user, ctx.access, input.sampleId)),
  annotate: projectProcedure.input(AnnotateInput).mutation(({ ctx, input }) => annotate(ctx.deps, ctx.user, ctx.access, input)),
  annotateMany: projectProcedure.input(AnnotateManyInput).mutation(({ ctx, input }) => annotateMany(ctx.deps, ctx.user, ctx.access, input)),
  undo: projectProcedure.mutation(({ ctx }) => undoLast(ctx.deps, ctx.user, ctx.access)),
});
