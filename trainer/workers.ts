import type { Db } from '#db/client.ts';
import type { JobSystem } from './jobs/queue.ts';
import type { EventBus } from './jobs/events.ts';
import { CLEANUP_QUEUE, type CleanupPayload } from './jobs/cleanup.job.ts';
import { createCleanupProcessor } from './jobs/cleanup.processor.ts';

export interface TrainerDeps {
  db: Db;
  jobs: JobSystem;
  /** Where workers announce progress and results to browsers. */
  bus: EventBus;
}

/**
 * Starts every trainer worker on the job system and schedules the periodic ones.
 * Called once by the trainer process (`trainer/index.ts`).
 */
export async function startTrainerWorkers(deps: TrainerDeps): Promise<void> {
  deps.jobs.worker<CleanupPayload>(CLEANUP_QUEUE, createCleanupProcessor({ db: deps.db }), { concurrency: 1 });
  await deps.jobs
    .queue<CleanupPayload>(CLEANUP_QUEUE)
    .upsertJobScheduler('cleanup-hourly', { every: 3_600_000 }, { name: 'cleanup', data: { reason: 'schedule' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
}
