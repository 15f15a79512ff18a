import { z } from 'zod';
import { ProjectId } from '../projects/projects.schema.ts';

export const ReviewListInput = ProjectId.extend({ limit: z.number().int().min(1).max(200).default(50) });
export type ReviewListInput = z.infer<typeof ReviewListInput>;

export const ResolveInput = ProjectId.extend({ sampleId: z.number().int().positive(), labelId: z.number().int().positive() });
export type ResolveInput = z.infer<typeof ResolveInput>;

export const SuspectListInput = ReviewListInput.extend({ flaggedOnly: z.boolean().default(true) });
export type SuspectListInput = z.infer<typeof SuspectListInput>;

/** Accept (relabel: to `labelId`, default the suggested label) or dismiss a suspected mislabel. */
export const DecideSuspectInput = ProjectId.extend({
  sampleId: z.number().int().positive(),
  decision: z.enum(['accept', 'dismiss']),
  labelId: z.number().int().positive().optional(),
});
export type DecideSuspectInput = z.infer<typeof DecideSuspectInput>;
