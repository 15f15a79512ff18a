import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { insertDriftReport, listRecentPredictionEmbeddings, sampleTrainingEmbeddings } from '#db/predictions.ts';
import { findProject } from '#db/projects.ts';
import type { EventBus } from './events.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import { DriftPayload, type DriftResult } from './drift.job.ts';
import { DRIFT_ALPHA, testDrift } from '../ml/drift.ts';
import type { JobSystem } from './queue.ts';
import { dispatchWebhookEvent } from './webhook-dispatch.ts';

/** Production inputs of the last week, newest first, compared against labeled samples. */
const WINDOW_MS = 7 * 86_400_000;
const SAMPLE = 300;
/** Fewer production inputs than this and a test would mostly measure noise. */
export const MIN_PRODUCTION = 30;

export function createDriftProcessor(deps: { db: Db; bus: EventBus; jobs: JobSystem; encoders: EncoderPool; now?: () => Date }) {
  return async (job: Job): Promise<DriftResult> => {
    const parsed = DriftPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad drift payload: ${parsed.error.message}`);
    const { projectId } = parsed.data;
    const project = await findProject(deps.db, projectId);
    if (!project) throw new UnrecoverableError(`project ${projectId} no longer exists`);
    const encoder = deps.encoders.nameFor(project.dataType);
    const now = deps.now?.() ?? new Date();
    const windowStart = new Date(now.getTime() - WINDOW_MS);
    const [production, training] = await Promise.all([
      listRecentPredictionEmbeddings(deps.db, projectId, encoder, windowStart, SAMPLE),
      sampleTrainingEmbeddings(deps.db, projectId, encoder, SAMPLE),
    ]);
    if (production.length < MIN_PRODUCTION || training.length < MIN_PRODUCTION) {
      const reason = `needs ${MIN_PRODUCTION} predictions in the last 7 days and ${MIN_PRODUCTION} labeled samples (has ${production.length} and ${training.length})`;
      await deps.bus.publish({ projectId, type: 'drift.skipped', data: { reason } });
      return { checked: false, reason };
    }
    const test = testDrift(production, training, { seed: projectId });
    await insertDriftReport(deps.db, projectId, {
      computedAt: now,
      statistic: 'mmd2-rbf',
      value: test.mmd2,
      pValue: test.pValue,
      alpha: DRIFT_ALPHA,
      drifted: test.drifted,
      productionCount: production.length,
      trainingCount: training.length,
      windowStart,
    });
    await deps.bus.publish({ projectId, type: 'drift.updated', data: { drifted: test.drifted, pValue: test.pValue, mmd2: test.mmd2 } });
    if (test.drifted) {
      const data = { statistic: 'mmd2-rbf', mmd2: test.mmd2, pValue: test.pValue, alpha: DRIFT_ALPHA, productionCount: production.length, trainingCount: training.length, windowStart: windowStart.toISOString() };
      await dispatchWebhookEvent(deps, projectId, 'drift.alert', data);
    }
    return { checked: true, drifted: test.drifted, pValue: test.pValue };
  };
}
