import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { findLatestDriftSignal, insertDriftReport, listRecentPredictionInputs, samplePoolReference } from '#db/predictions.ts';
import { findProject } from '#db/projects.ts';
import type { EventBus } from './events.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import { DriftPayload, type DriftResult } from './drift.job.ts';
import { DRIFT_ALPHA, driftAlarm, testDrift, testLabelShift } from '../ml/drift.ts';
import type { JobSystem } from './queue.ts';
import { dispatchWebhookEvent } from './webhook-dispatch.ts';

/** Production inputs of the last week, newest first, compared against a random sample of the pool. */
const WINDOW_MS = 7 * 86_400_000;
const SAMPLE = 300;
/** Fewer production inputs than this and a test would mostly measure noise. */
export const MIN_PRODUCTION = 30;
/** What the reference is, as reports and the Monitoring page say it. */
export const POOL_REFERENCE = 'random sample of the imported pool';

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
    const [production, reference, previousSignal] = await Promise.all([
      listRecentPredictionInputs(deps.db, projectId, encoder, windowStart, SAMPLE),
      samplePoolReference(deps.db, projectId, encoder, SAMPLE),
      findLatestDriftSignal(deps.db, projectId),
    ]);
    if (production.length < MIN_PRODUCTION || reference.length < MIN_PRODUCTION) {
      const reason = `needs ${MIN_PRODUCTION} predictions in the last 7 days and ${MIN_PRODUCTION} embedded samples in the pool (has ${production.length} and ${reference.length})`;
      await deps.bus.publish({ projectId, type: 'drift.skipped', data: { reason } });
      return { checked: false, reason };
    }
    // Each of the two tests at alpha/2, so one check signals at rate alpha on traffic like the pool.
    const test = testDrift(production.map((p) => p.embedding), reference.map((r) => r.embedding), { seed: projectId, alpha: DRIFT_ALPHA / 2 });
    const productionLabels = production.flatMap((p) => (p.labelId === null ? [] : [p.labelId]));
    const referenceLabels = reference.flatMap((r) => (r.labelId === null ? [] : [r.labelId]));
    const labelShift = productionLabels.length >= MIN_PRODUCTION && referenceLabels.length >= MIN_PRODUCTION ? testLabelShift(productionLabels, referenceLabels, { seed: projectId }) : null;
    const signal = test.pValue < DRIFT_ALPHA / 2 || (labelShift !== null && labelShift.pValue < DRIFT_ALPHA / 2);
    const drifted = driftAlarm(signal, previousSignal);
    const scored = reference.flatMap((r) => (r.confidence === null ? [] : [r.confidence]));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    const confidence = { production: mean(production.map((p) => p.confidence)), reference: scored.length >= MIN_PRODUCTION ? mean(scored) : null };
    await insertDriftReport(deps.db, projectId, {
      computedAt: now,
      statistic: 'mmd2-rbf',
      value: test.mmd2,
      pValue: test.pValue,
      alpha: DRIFT_ALPHA,
      drifted,
      productionCount: production.length,
      trainingCount: reference.length,
      windowStart,
      reference: POOL_REFERENCE,
      signal,
      effect: test.effect,
      labelShift,
      confidence,
    });
    await deps.bus.publish({ projectId, type: 'drift.updated', data: { drifted, signal, pValue: test.pValue, mmd2: test.mmd2 } });
    if (drifted) {
      const data = {
        statistic: 'mmd2-rbf',
        mmd2: test.mmd2,
        pValue: test.pValue,
        effect: Number.isFinite(test.effect) ? test.effect : null,
        labelShift: labelShift ? { distance: labelShift.distance, pValue: labelShift.pValue } : null,
        alpha: DRIFT_ALPHA,
        productionCount: production.length,
        referenceCount: reference.length,
        reference: POOL_REFERENCE,
        windowStart: windowStart.toISOString(),
      };
      await dispatchWebhookEvent(deps, projectId, 'drift.alert', data);
    }
    return { checked: true, drifted, pValue: test.pValue };
  };
}
