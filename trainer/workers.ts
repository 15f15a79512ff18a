import type { Db } from '#db/client.ts';
import type { JobSystem } from './jobs/queue.ts';
import type { EventBus } from './jobs/events.ts';
import type { EncoderPool } from './encoder-pool.ts';
import { CLEANUP_QUEUE, type CleanupPayload } from './jobs/cleanup.job.ts';
import { createCleanupProcessor } from './jobs/cleanup.processor.ts';
import { EMBED_QUEUE } from './jobs/embed.job.ts';
import { createEmbedProcessor } from './jobs/embed.processor.ts';
import { TRAIN_QUEUE } from './jobs/train.job.ts';
import { createTrainProcessor } from './jobs/train.processor.ts';
import { SCORE_QUEUE } from './jobs/score.job.ts';
import { createScoreProcessor } from './jobs/score.processor.ts';
import { DRIFT_QUEUE } from './jobs/drift.job.ts';
import { RECONCILE_QUEUE, type ReconcilePayload } from './jobs/reconcile.job.ts';
import { createReconcileProcessor } from './jobs/reconcile.processor.ts';
import { createDriftProcessor } from './jobs/drift.processor.ts';
import { WEBHOOK_QUEUE, webhookBackoff, type WebhookPayload } from './jobs/webhook.job.ts';
import { createWebhookProcessor } from './jobs/webhook.processor.ts';

export interface TrainerDeps {
  db: Db;
  jobs: JobSystem;
  /** Where workers announce progress and results to browsers. */
  bus: EventBus;
  encoders: EncoderPool;
  /** The tensor backend in use, recorded on each model version. */
  backend: () => string;
  /** Days logged predictions are kept (default 30). */
  predictionRetentionDays?: number;
  /** How long label changes must be quiet before the reconcile job asks for training (default 60 s). */
  reconcileQuietMs?: number;
  /** The training run's lock (default 60 s); a run left by a killed trainer is retried once it lapses. */
  trainLockMs?: number;
  /** Bytes of warm state kept between training runs, all projects together (default 256 MB). */
  warmStateBytes?: number;
  /** Webhooks: may URLs reach private/loopback addresses (default true), request timeout (10 s), first retry delay (10 s), log retention (30 days). */
  webhooks?: { allowPrivate?: boolean; timeoutMs?: number; retryBaseMs?: number; retentionDays?: number };
}

/**
 * Starts every trainer worker on the job system and schedules the periodic ones.
 * Called once by the trainer process (`trainer/index.ts`). Compute-heavy queues run one job at a
 * time: the process has one tensor backend and the machine's cores are better spent on one fit.
 */
export async function startTrainerWorkers(deps: TrainerDeps): Promise<void> {
  deps.jobs.worker<CleanupPayload>(CLEANUP_QUEUE, createCleanupProcessor({ db: deps.db, predictionRetentionDays: deps.predictionRetentionDays, webhookRetentionDays: deps.webhooks?.retentionDays }), { concurrency: 1 });
  // Embedding yields to the event loop between batches, so its lock renews: a short lock means a
  // job left by a killed trainer is picked up again within ~30 s.
  deps.jobs.worker(EMBED_QUEUE, createEmbedProcessor(deps), { concurrency: 1, lockDuration: 20_000, stalledInterval: 10_000 });
  const trainLockMs = deps.trainLockMs ?? 60_000;
  deps.jobs.worker(TRAIN_QUEUE, createTrainProcessor(deps), { concurrency: 1, lockDuration: trainLockMs, stalledInterval: Math.min(30_000, trainLockMs / 2) });
  deps.jobs.worker(SCORE_QUEUE, createScoreProcessor(deps), { concurrency: 1 });
  deps.jobs.worker(DRIFT_QUEUE, createDriftProcessor(deps), { concurrency: 1 });
  // Webhook deliveries wait on other servers, not on the CPU: several at once. Retries back off exponentially.
  deps.jobs.worker<WebhookPayload>(WEBHOOK_QUEUE, createWebhookProcessor({ db: deps.db, bus: deps.bus, ...deps.webhooks }), {
    concurrency: 4,
    settings: { backoffStrategy: webhookBackoff(deps.webhooks?.retryBaseMs ?? 10_000) },
  });
  deps.jobs.worker<ReconcilePayload>(RECONCILE_QUEUE, createReconcileProcessor({ ...deps, quietMs: deps.reconcileQuietMs }), { concurrency: 1 });
  await scheduleRecurring(deps.jobs);
  // Redis came back, maybe empty: put the schedules back and catch up on what was asked meanwhile.
  deps.jobs.onReconnect(() => {
    console.log('[trainer] job queue reconnected: rescheduling and reconciling');
    void afterReconnect(deps.jobs);
  });
}

/** Retried for a while: without its schedules an emptied Redis would never reconcile again. */
async function afterReconnect(jobs: JobSystem, attempts = 10): Promise<void> {
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    try {
      await scheduleRecurring(jobs);
      await jobs.queue<ReconcilePayload>(RECONCILE_QUEUE).add('reconcile', { reason: 'reconnect' }, { removeOnComplete: 10, removeOnFail: 50 });
      return;
    } catch (error) {
      console.error(`[trainer] could not reschedule after reconnecting (attempt ${attempt}/${attempts}): ${error instanceof Error ? error.message : error}`);
      await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
    }
  }
}

async function scheduleRecurring(jobs: JobSystem): Promise<void> {
  await jobs
    .queue<ReconcilePayload>(RECONCILE_QUEUE)
    .upsertJobScheduler('reconcile-minutely', { every: 60_000 }, { name: 'reconcile', data: { reason: 'schedule' }, opts: { removeOnComplete: 10, removeOnFail: 50 } });
  await jobs
    .queue<CleanupPayload>(CLEANUP_QUEUE)
    .upsertJobScheduler('cleanup-hourly', { every: 3_600_000 }, { name: 'cleanup', data: { reason: 'schedule' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
}
