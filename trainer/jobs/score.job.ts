import { z } from 'zod';

/** Re-ranks a project's unlabeled pool with the active model (or diversity sampling before one exists). */
export const SCORE_QUEUE = 'score';
export const ScorePayload = z.object({ projectId: z.number().int().positive() });
export type ScorePayload = z.infer<typeof ScorePayload>;
export interface ScoreResult {
  ranked: number;
  strategy: string;
  modelVersionId: number | null;
}
export const scoreDedupId = (projectId: number) => `score-${projectId}`;
