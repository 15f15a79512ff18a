import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { deleteExpiredSessions } from '#db/sessions.ts';
import { deleteExpiredInvites } from '#db/invites.ts';
import { deletePredictionsBefore } from '#db/predictions.ts';
import { deleteDeliveriesBefore } from '#db/webhooks.ts';
import { CleanupPayload, type CleanupResult } from './cleanup.job.ts';

/** Builds the cleanup processor over a database handle. */
export function createCleanupProcessor(deps: { db: Db; now?: () => Date; predictionRetentionDays?: number; webhookRetentionDays?: number }) {
  return async (job: Job): Promise<CleanupResult> => {
    const parsed = CleanupPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad cleanup payload: ${parsed.error.message}`);
    const now = deps.now?.() ?? new Date();
    const expiredSessions = await deleteExpiredSessions(deps.db, now);
    const expiredInvites = await deleteExpiredInvites(deps.db, now);
    const retentionMs = (deps.predictionRetentionDays ?? 30) * 86_400_000;
    const expiredPredictions = await deletePredictionsBefore(deps.db, new Date(now.getTime() - retentionMs));
    const webhookRetentionMs = (deps.webhookRetentionDays ?? 30) * 86_400_000;
    const expiredWebhookDeliveries = await deleteDeliveriesBefore(deps.db, new Date(now.getTime() - webhookRetentionMs));
    return { expiredSessions, expiredInvites, expiredPredictions, expiredWebhookDeliveries };
  };
}
