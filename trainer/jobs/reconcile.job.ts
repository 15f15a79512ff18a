import { z } from 'zod';

/**
 * Every minute: asks again for the work that should have been asked for but may have been lost
 * (Redis was down when the labels came in, or a job failed for good): training for projects with
 * unused label changes, embedding for projects with unembedded samples.
 */
export const RECONCILE_QUEUE = 'reconcile';
/**
 * `reconnect`: the queue's Redis came back, maybe empty, so the debounced training jobs asked for
 * meanwhile are gone: every pending label change counts, however recent.
 */
export const ReconcilePayload = z.object({ reason: z.enum(['schedule', 'manual', 'reconnect']) });
export type ReconcilePayload = z.infer<typeof ReconcilePayload>;
export interface ReconcileResult {
  training: number[];
  embedding: number[];
}
