import type { Db } from '#db/client.ts';
import type { JobSystem } from './jobs/queue.ts';
import { CLEANUP_QUEUE, type CleanupPayload } from './jobs/cleanup.job.ts';
import { createCleanupProcessor } from './jobs/cleanup.processor.ts';

export interface TrainerDeps {
  db: Db;
  jobs: JobSystem;
}

/**
 * Starts every trainer worker on the job system and schedules the periodic ones.
 * Used by the trainer process, and in-process by the server in the embedded setup.
 */
export async function startTrainerWorkers(deps: TrainerDeps): Promise<void> {
  deps.jobs.worker<CleanupPayload>(CLEANUP_QUEUE, createCleanupProcessor({ db: deps.db }), { concurrency: 1 });
  await deps.jobs
    .queue<CleanupPayload>(CLEANUP_QUEUE)
    .upsertJobScheduler('cleanup-hourly', { every: 3_600_000 }, { name: 'cleanup', data: { reason: 'schedule' }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
}
