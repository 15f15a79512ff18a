import type { JobSystem } from './queue.ts';
import { EMBED_QUEUE, embedJobId, type EmbedPayload } from './embed.job.ts';
import { SCORE_QUEUE, scoreDedupId, type ScorePayload } from './score.job.ts';
import { TRAIN_QUEUE, trainDedupId, type TrainPayload } from './train.job.ts';
import { DRIFT_QUEUE, driftDedupId, type DriftPayload } from './drift.job.ts';

const keep = { removeOnComplete: 200, removeOnFail: 500 };

/** Asks for the project's unembedded samples to be embedded (one pending job per project). */
export async function requestEmbedding(jobs: JobSystem, projectId: number): Promise<void> {
  await jobs.queue<EmbedPayload>(EMBED_QUEUE).add('embed', { projectId }, {
    ...keep,
    deduplication: { id: embedJobId(projectId), keepLastIfActive: true },
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
  });
}

/** Asks for the project's pool to be re-ranked. */
export async function requestScoring(jobs: JobSystem, projectId: number): Promise<void> {
  await jobs.queue<ScorePayload>(SCORE_QUEUE).add('score', { projectId }, {
    ...keep,
    deduplication: { id: scoreDedupId(projectId), keepLastIfActive: true },
    attempts: 2,
  });
}

/**
 * Debounced training: each new label pushes the run `delayMs` later (reschedule keeps the first
 * label's time for label-to-live), a label arriving mid-run queues exactly one follow-up run, and
 * the caller passes delay 0 once enough labels have piled up.
 */
export async function requestTraining(jobs: JobSystem, projectId: number, input: { delayMs: number; triggeredAt: Date }): Promise<void> {
  await jobs.queue<TrainPayload>(TRAIN_QUEUE).add('train', { projectId, triggeredAt: input.triggeredAt.toISOString() }, {
    ...keep,
    delay: input.delayMs,
    deduplication: { id: trainDedupId(projectId), reschedule: true, keepLastIfActive: true },
    attempts: 2,
    backoff: { type: 'exponential', delay: 5000 },
  });
}

/** Asks for a drift check of the project's recent production inputs (one pending per project). */
export async function requestDriftCheck(jobs: JobSystem, projectId: number): Promise<void> {
  await jobs.queue<DriftPayload>(DRIFT_QUEUE).add('drift', { projectId }, { ...keep, deduplication: { id: driftDedupId(projectId) }, attempts: 2 });
}
