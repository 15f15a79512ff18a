import { getProjectStats } from '#db/annotations.ts';
import { listLabels } from '#db/labels.ts';
import { listDriftReports, predictionSummary, predictionTraffic } from '#db/predictions.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { requestDriftCheck } from '#trainer/jobs/triggers.ts';
import { DRIFT_ALPHA, describeEffect } from '#trainer/ml/drift.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import type { MonitoringInput } from './monitoring.schema.ts';

/** How the statistic is described wherever drift is shown. */
export const DRIFT_METHOD =
  `Up to 300 recent production inputs (last 7 days) are compared with a fresh random sample of up to 300 samples of your imported data (production inputs that joined the pool left out): their embeddings by maximum mean discrepancy (MMD², Gaussian kernel, median-distance width, 1,000-permutation test) and the model's predicted labels by total variation distance (1,000-permutation test), each at p < ${DRIFT_ALPHA / 2}. On traffic like your data one check signals about ${DRIFT_ALPHA * 100}% of the time; the alarm sounds only when two checks in a row signal, so checks every 200 predictions do not pile up false alarms.`;

/** The monitoring page: traffic, latency, confidence, label mix against training, drift. */
export async function getMonitoring(deps: AppDeps, access: ProjectAccess, input: MonitoringInput) {
  const projectId = access.project.id;
  const since = new Date(deps.now().getTime() - input.days * 86_400_000);
  const [summary, traffic, drift, labels, stats] = await Promise.all([
    predictionSummary(deps.db, projectId, since),
    predictionTraffic(deps.db, projectId, since),
    listDriftReports(deps.db, projectId, 20),
    listLabels(deps.db, projectId),
    getProjectStats(deps.db, projectId),
  ]);
  const production = new Map(summary.labelMix.map((m) => [m.labelId, m.count]));
  const training = new Map(stats.labelCounts.map((c) => [c.labelId, c.count]));
  const share = (count: number, total: number) => (total > 0 ? count / total : 0);
  return {
    days: input.days,
    summary: { count: summary.count, p50Ms: summary.p50Ms, p95Ms: summary.p95Ms, p99Ms: summary.p99Ms, confidenceHistogram: summary.confidenceHistogram },
    traffic: traffic.map((t) => ({ ...t, hour: t.hour.toISOString() })),
    labelMix: labels.map((l) => ({
      labelId: l.id,
      name: l.name,
      production: production.get(l.id) ?? 0,
      productionShare: share(production.get(l.id) ?? 0, summary.count),
      training: training.get(l.id) ?? 0,
      trainingShare: share(training.get(l.id) ?? 0, stats.resolvedCount),
    })),
    drift: {
      method: DRIFT_METHOD,
      alpha: DRIFT_ALPHA,
      latest: drift[0]
        ? {
            ...drift[0],
            computedAt: drift[0].computedAt.toISOString(),
            windowStart: drift[0].windowStart.toISOString(),
            effectWords: drift[0].effect === null ? null : describeEffect(drift[0].effect),
            labelShift: drift[0].labelShift
              ? { ...drift[0].labelShift, shares: drift[0].labelShift.shares.map((x) => ({ ...x, name: labels.find((l) => l.id === x.labelId)?.name ?? `label #${x.labelId}` })) }
              : null,
          }
        : null,
      history: drift.map((d) => ({ computedAt: d.computedAt.toISOString(), value: d.value, pValue: d.pValue, drifted: d.drifted, signal: d.signal, effect: d.effect })),
    },
    feedbackBelowConfidence: readProjectSettings(access.project.settings).feedbackBelowConfidence,
  };
}

/** Asks the trainer for a drift check now (the page shows it when the `drift.updated` event comes). */
export async function checkDriftNow(deps: AppDeps, access: ProjectAccess) {
  await requestDriftCheck(deps.jobs, access.project.id);
  return { requested: true };
}
