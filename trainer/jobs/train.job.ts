import { z } from 'zod';

/** Fits a new model version on the project's labels, evaluates it, and promotes it if not worse. */
export const TRAIN_QUEUE = 'train';
export const TrainPayload = z.object({
  projectId: z.number().int().positive(),
  /** When the label that asked for this run arrived (for label-to-live time). */
  triggeredAt: z.string().datetime(),
});
export type TrainPayload = z.infer<typeof TrainPayload>;
export interface TrainResult {
  versionId: number | null;
  version: number | null;
  promoted: boolean;
  reason: string;
}
/** Debounce key: while one run per project waits, further labels are covered by it. */
export const trainDedupId = (projectId: number) => `train-${projectId}`;
