import { z } from 'zod';
import { ProjectId } from '../projects/projects.schema.ts';

export const NextSampleInput = ProjectId.extend({
  excludeIds: z.array(z.number().int().positive()).max(500).default([]),
  /** Work through the "rare: CLASS" queue of this label instead of the main queue. */
  rareLabelId: z.number().int().positive().optional(),
});
export type NextSampleInput = z.infer<typeof NextSampleInput>;

export const AnnotateInput = ProjectId.extend({
  sampleId: z.number().int().positive(),
  labelId: z.number().int().positive(),
  // Time spent on the sample, as measured by the browser; capped at an hour so idle tabs don't skew stats.
  durationMs: z.number().int().min(0).max(86_400_000).transform((v) => Math.min(v, 3_600_000)),
});
export type AnnotateInput = z.infer<typeof AnnotateInput>;

export const SampleInput = ProjectId.extend({ sampleId: z.number().int().positive() });

/** Bulk labeling from a result grid: one label for up to 200 selected samples. */
export const AnnotateManyInput = ProjectId.extend({
  sampleIds: z.array(z.number().int().positive()).min(1).max(200),
  labelId: z.number().int().positive(),
});
export type AnnotateManyInput = z.infer<typeof AnnotateManyInput>;
