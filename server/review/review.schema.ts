import { z } from 'zod';
import { ProjectId } from '../projects/projects.schema.ts';
import { RowId } from '../http/ids.ts';

export const ReviewListInput = ProjectId.extend({ limit: z.number().int().min(1).max(200).default(50) });
export type ReviewListInput = z.infer<typeof ReviewListInput>;

export const ResolveInput = ProjectId.extend({ sampleId: RowId, labelId: RowId });
export type ResolveInput = z.infer<typeof ResolveInput>;

export const SuspectListInput = ReviewListInput.extend({ flaggedOnly: z.boolean().default(true) });
export type SuspectListInput = z.infer<typeof SuspectListInput>;

/** Accept (relabel: to `labelId`, default the suggested label) or dismiss a suspected mislabel. */
export const DecideSuspectInput = ProjectId.extend({
  sampleId: RowId,
  decision: z.enum(['accept', 'dismiss']),
  labelId: RowId.optional(),
});
export type DecideSuspectInput = z.infer<typeof DecideSuspectInput>;
