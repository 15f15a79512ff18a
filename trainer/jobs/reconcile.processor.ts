import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { findProjectsAwaitingEmbedding } from '#db/embeddings.ts';
import { findProjectsAwaitingTraining } from '#db/models.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import type { JobSystem } from './queue.ts';
import { ReconcilePayload, type ReconcileResult } from './reconcile.job.ts';
import { requestEmbedding, requestTraining } from './triggers.ts';

/** Label changes younger than this are still the debounced trigger's business. */
const QUIET_MS = 60_000;

export function createReconcileProcessor(deps: { db: Db; jobs: JobSystem; encoders: EncoderPool; now?: () => Date; quietMs?: number }) {
  return async (job: Job): Promise<ReconcileResult> => {
    const parsed = ReconcilePayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad reconcile payload: ${parsed.error.message}`);
    const now = deps.now?.() ?? new Date();
    // After a reconnect every change counts (the ms added covers timestamps finer than a Date's).
    const quietSince = parsed.data.reason === 'reconnect' ? new Date(now.getTime() + 1) : new Date(now.getTime() - (deps.quietMs ?? QUIET_MS));
    const training = await findProjectsAwaitingTraining(deps.db, quietSince);
    for (const projectId of training) await requestTraining(deps.jobs, projectId, { delayMs: 0, triggeredAt: now });
    const embedding = [
      ...(await findProjectsAwaitingEmbedding(deps.db, 'text', deps.encoders.nameFor('text'))),
      // Image projects only when there is a model to embed them with (else the job would only fail).
      ...(deps.encoders.imageModelStatus().ok ? await findProjectsAwaitingEmbedding(deps.db, 'image', deps.encoders.nameFor('image')) : []),
    ];
    for (const projectId of embedding) await requestEmbedding(deps.jobs, projectId);
    if (training.length + embedding.length > 0) console.log(`[trainer] reconcile: asked for training of projects ${training.join(', ') || '-'}, embedding of ${embedding.join(', ') || '-'}`);
    return { training, embedding };
  };
}
