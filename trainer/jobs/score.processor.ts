import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { replaceQueue, type QueueEntry } from '#db/queue.ts';
import type { EventBus } from './events.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import { ScorePayload, type ScoreResult } from './score.job.ts';
import { loadProjectSnapshot, type ProjectSnapshot } from './load-project.ts';
import { featuresOf } from '../ml/train-version.ts';
import { explainChoice, rankPool } from '../ml/strategies.ts';
import { refreshSampleMap, writeRareCandidates } from './review-data.ts';
import { argmax } from '../ml/metrics.ts';
import { interleaveChecks, pendingChecksWanted } from '../ml/evaluation.ts';
import { drawCheckSamples } from '#db/evaluation.ts';

const BATCH_SIZE = 20;
/** Why a check sample is in the queue, as the labeling view says it. */
export const CHECK_REASON = 'random check sample: drawn at random from your data to measure the model honestly (no guess shown)';

export interface ScoreDeps {
  db: Db;
  bus: EventBus;
  encoders: EncoderPool;
}

export function createScoreProcessor(deps: ScoreDeps) {
  return async (job: Job): Promise<ScoreResult> => {
    const parsed = ScorePayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad score payload: ${parsed.error.message}`);
    return scoreProject(deps, await loadProjectSnapshot(deps.db, deps.encoders, parsed.data.projectId));
  };
}

/**
 * Re-ranks the unlabeled pool: the project's strategy over the active model's probabilities, or
 * diversity sampling over embeddings before any model exists, with a random check sample at every
 * `checkEvery`-th place (see db/evaluation.ts). Writes the queue and tells browsers.
 */
export async function scoreProject(deps: ScoreDeps, snapshot: ProjectSnapshot): Promise<ScoreResult> {
  const { project, settings, labels, active } = snapshot;
  const pool = snapshot.examples.flatMap((e, i) => (e.label === null ? [{ example: e, sample: snapshot.samples[i]! }] : []));
  const proba = active && pool.length > 0 ? active.head.predictProba(featuresOf(pool.map((p) => p.example), project.dataType === 'text')) : undefined;
  const strategy = proba ? settings.strategy : settings.strategy === 'random' ? 'random' : 'cold-start';
  // Without probabilities every strategy but random falls back to diversity sampling.
  const order = rankPool(settings.strategy, {
    proba,
    embeddings: pool.map((p) => p.example.vector),
    batchSize: BATCH_SIZE,
    seed: project.id,
  });
  const names = labels.map((l) => l.name);
  const noModelYet = 'spread across the data: no model yet';
  const waiting = new Set(await drawCheckSamples(deps.db, project.id, pendingChecksWanted(settings.checkEvery, pool.length)));
  const checks = pool.flatMap((p, i) => (waiting.has(p.sample.sampleId) ? [i] : []));
  const queued = interleaveChecks(
    order.filter((i) => !waiting.has(pool[i]!.sample.sampleId)),
    checks,
    settings.checkEvery,
  );
  const entries: QueueEntry[] = queued.map((poolIndex, rank) => {
    if (waiting.has(pool[poolIndex]!.sample.sampleId)) {
      // No guess on a check sample: an annotator nudged toward the model's answer would flatter it.
      return { sampleId: pool[poolIndex]!.sample.sampleId, rank, strategy: 'check', modelVersionId: active?.version.id ?? null, predictedLabelId: null, confidence: null, explanation: { reason: CHECK_REASON, withoutGuess: CHECK_REASON, top: [] } };
    }
    const p = proba?.[poolIndex];
    const best = p ? argmax(p) : -1;
    return {
      sampleId: pool[poolIndex]!.sample.sampleId,
      rank,
      strategy,
      modelVersionId: active?.version.id ?? null,
      predictedLabelId: p ? labels[best]!.id : null,
      confidence: p ? p[best]! : null,
      explanation: p ? explainChoice(p, names) : { reason: noModelYet, withoutGuess: noModelYet, top: [] },
    };
  });
  await deps.db.transaction().execute((trx) => replaceQueue(trx, project.id, entries));
  await deps.bus.publish({
    projectId: project.id,
    type: 'queue.updated',
    data: { strategy, ranked: entries.length, modelVersionId: active?.version.id ?? null },
  });
  const rareLabelIds = await writeRareCandidates(deps.db, snapshot, proba);
  const mapChanged = await refreshSampleMap(deps.db, snapshot);
  await deps.bus.publish({ projectId: project.id, type: 'explore.updated', data: { rareLabelIds, mapChanged } });
  return { ranked: entries.length, strategy, modelVersionId: active?.version.id ?? null };
}
