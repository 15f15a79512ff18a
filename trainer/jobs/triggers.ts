import type { JobSystem } from './queue.ts';
import { EMBED_QUEUE, embedJobId, type EmbedPayload } from './embed.job.ts';
import { SCORE_QUEUE, scoreDedupId, type ScorePayload } from './score.job.ts';
import { TRAIN_QUEUE, trainDedupId, type TrainPayload } from './train.job.ts';
import { DRIFT_QUEUE, driftDedupId, type DriftPayload } from './drift.job.ts';
import { WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_TYPE, WEBHOOK_QUEUE, type WebhookPayload } from './webhook.job.ts';

const keep = { removeOnComplete: 200, removeOnFail: 500 };

/** How long a request may wait for the queue (BullMQ waits for a lost Redis connection indefinitely). */
const ENQUEUE_DEADLINE_MS = 2000;

/**
 * Gives up waiting after the deadline so an HTTP request never hangs on a lost Redis; the add may
 * still land later, and the trainer's reconcile job asks again for anything that did not.
 */
function withDeadline<T>(jobs: JobSystem, add: () => Promise<T>): Promise<T> {
  // Known to be down: say so at once instead of waiting out the deadline.
  if (!jobs.isConnected()) return Promise.reject(new Error('the job queue is unreachable'));
  const adding = add();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('the job queue did not answer in time')), ENQUEUE_DEADLINE_MS);
  });
  adding.catch(() => undefined);
  return Promise.race([adding, deadline]).finally(() => clearTimeout(timer));
}

/** Asks for the project's unembedded samples to be embedded (one pending job per project). */
export async function requestEmbedding(jobs: JobSystem, projectId: number): Promise<void> {
  await withDeadline(jobs, () => jobs.queue<EmbedPayload>(EMBED_QUEUE).add('embed', { projectId }, {
    ...keep,
    deduplication: { id: embedJobId(projectId), keepLastIfActive: true },
    attempts: 3,
    backoff: { type: 'exponential', delay: 2000 },
  }));
}

/** Asks for the project's pool to be re-ranked. */
export async function requestScoring(jobs: JobSystem, projectId: number): Promise<void> {
  await withDeadline(jobs, () => jobs.queue<ScorePayload>(SCORE_QUEUE).add('score', { projectId }, {
    ...keep,
    deduplication: { id: scoreDedupId(projectId), keepLastIfActive: true },
    attempts: 2,
  }));
}

/**
 * Debounced training: each new label pushes the run `delayMs` later (reschedule keeps the first
 * label's time for label-to-live), a label arriving mid-run queues exactly one follow-up run, and
 * the caller passes delay 0 once enough labels have piled up.
 */
export async function requestTraining(jobs: JobSystem, projectId: number, input: { delayMs: number; triggeredAt: Date }): Promise<void> {
  await withDeadline(jobs, () => jobs.queue<TrainPayload>(TRAIN_QUEUE).add('train', { projectId, triggeredAt: input.triggeredAt.toISOString() }, {
    ...keep,
    delay: input.delayMs,
    deduplication: { id: trainDedupId(projectId), reschedule: true, keepLastIfActive: true },
    attempts: 2,
    backoff: { type: 'exponential', delay: 5000 },
  }));
}

/** Asks for a drift check of the project's recent production inputs (one pending per project). */
export async function requestDriftCheck(jobs: JobSystem, projectId: number): Promise<void> {
  await withDeadline(jobs, () => jobs.queue<DriftPayload>(DRIFT_QUEUE).add('drift', { projectId }, { ...keep, deduplication: { id: driftDedupId(projectId) }, attempts: 2 }));
}

/** Queues one webhook delivery (job id = delivery id), retried with the webhook worker's backoff. */
export async function requestWebhookDelivery(jobs: JobSystem, deliveryId: string): Promise<void> {
  await withDeadline(jobs, () => jobs.queue<WebhookPayload>(WEBHOOK_QUEUE).add('deliver', { deliveryId }, {
    removeOnComplete: 1000,
    removeOnFail: 1000,
    jobId: deliveryId,
    attempts: WEBHOOK_ATTEMPTS,
    backoff: { type: WEBHOOK_BACKOFF_TYPE },
  }));
}
