import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { activateModelVersion, insertModelVersion, insertOofPredictions, rejectModelVersion } from '#db/models.ts';
import { countResolved, countTrainableLabels } from '#db/training-data.ts';
import type { EventBus } from './events.ts';
import type { JobSystem } from './queue.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import { TrainPayload, type TrainResult } from './train.job.ts';
import { loadProjectSnapshot } from './load-project.ts';
import { scoreProject } from './score.processor.ts';
import { requestTraining } from './triggers.ts';
import { canTrain, trainVersion, warmStateBytes, type WarmState } from '../ml/train-version.ts';
import { decidePromotion } from '../ml/evaluation.ts';
import { findEvaluationPredictions, insertEvaluationPredictions } from '#db/evaluation.ts';
import { packModel } from '../ml/model-blob.ts';
import { writeSuspects } from './review-data.ts';
import { checkReviewQueue, dispatchWebhookEvent } from './webhook-dispatch.ts';

export interface TrainDeps {
  db: Db;
  bus: EventBus;
  jobs: JobSystem;
  encoders: EncoderPool;
  backend: () => string;
  now?: () => Date;
  /** Bytes of {@link WarmState} kept between runs, all projects together (default {@link WARM_STATE_BYTES}). */
  warmStateBytes?: number;
  /** The store of warm states, when the caller wants to read it (the soak benchmark). */
  warmStates?: WarmStates;
}

/**
 * One training run: fit, evaluate (random check samples + k-fold), record an immutable version,
 * promote it unless it is credibly worse than the live one on the same check samples, re-rank the
 * pool. Progress and results go to the browsers.
 */
export function createTrainProcessor(deps: TrainDeps) {
  const warmStates = deps.warmStates ?? new WarmStates(WARM_PROJECTS, deps.warmStateBytes ?? WARM_STATE_BYTES);
  return async (job: Job): Promise<TrainResult> => {
    const parsed = TrainPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad train payload: ${parsed.error.message}`);
    try {
      return await train(deps, job, parsed.data, warmStates);
    } catch (error) {
      // The browser shows "Training…" until it hears how the run ended.
      const reason = error instanceof Error ? error.message : String(error);
      await deps.bus.publish({ projectId: parsed.data.projectId, type: 'train.failed', data: { reason } }).catch(() => undefined);
      throw error;
    }
  };
}

/** Projects whose last run's state the trainer keeps in memory (each holds six heads). */
export const WARM_PROJECTS = 4;
/**
 * Bytes of warm state kept, all projects together: six heads and the lexical model of a
 * 10,000-label, 77-class text project take about 50 MB (bench:soak), so this keeps four such.
 */
export const WARM_STATE_BYTES = 256 * 1024 * 1024;

/**
 * The last {@link WarmState} of recently trained projects: at most `capacity` projects and
 * `maxBytes` in all, least recently used dropped first (a state larger than `maxBytes` alone is not
 * kept). Lost on restart, when the next run simply starts cold (slower, same result).
 */
export class WarmStates {
  private readonly states = new Map<number, { state: WarmState; bytes: number }>();
  constructor(
    private readonly capacity: number,
    private readonly maxBytes: number,
  ) {}

  take(projectId: number): WarmState | undefined {
    const entry = this.states.get(projectId);
    this.states.delete(projectId);
    return entry?.state;
  }

  put(projectId: number, state: WarmState): void {
    const bytes = warmStateBytes(state);
    this.states.delete(projectId);
    if (bytes > this.maxBytes) return;
    this.states.set(projectId, { state, bytes });
    for (const oldest of this.states.keys()) {
      if (this.states.size <= this.capacity && this.bytes() <= this.maxBytes) break;
      this.states.delete(oldest);
    }
  }

  /** Bytes held now. */
  bytes(): number {
    let total = 0;
    for (const entry of this.states.values()) total += entry.bytes;
    return total;
  }

  get size(): number {
    return this.states.size;
  }
}

async function train(deps: TrainDeps, job: Job, payload: TrainPayload, warmStates: WarmStates): Promise<TrainResult> {
  const now = deps.now ?? (() => new Date());
  const { projectId } = payload;
  const started = Date.now();
  const publish = (type: string, data: Record<string, unknown>) => deps.bus.publish({ projectId, type, data });
  await publish('train.started', { jobId: job.id ?? null });

  const snapshot = await loadProjectSnapshot(deps.db, deps.encoders, projectId);
  const ready = canTrain(snapshot.examples);
  if (!ready.ok) {
    // Labels whose samples are not embedded yet do not count: say so, or the reason reads false.
    const waiting = (await countResolved(deps.db, projectId)) - snapshot.examples.filter((e) => e.label !== null).length;
    const reason = waiting > 0 ? `${ready.reason} among embedded samples (${waiting} labeled ${waiting === 1 ? 'sample is' : 'samples are'} waiting for their embedding)` : ready.reason;
    await publish('train.skipped', { reason });
    return { versionId: null, version: null, promoted: false, reason };
  }
  const numClasses = snapshot.labels.length;
  const trained = await trainVersion(snapshot.examples, numClasses, {
    kind: snapshot.settings.headKind,
    warmStart: snapshot.active?.head,
    seed: projectId,
    // Taken out while the run holds it, so a failed run leaves no half-updated state behind.
    previous: warmStates.take(projectId),
  });
  warmStates.put(projectId, trained.warmState);
  await publish('train.progress', { stage: 'evaluated', ms: Date.now() - started });
  // What the live version's evaluation model predicted for the check samples, to compare on the same ones.
  const livePredictions = snapshot.active ? await findEvaluationPredictions(deps.db, snapshot.active.version.id) : undefined;
  const serialized = trained.head.serialize();
  const labelIds = snapshot.labels.map((l) => l.id);
  const weights = packModel({ meta: { labelIds, encoder: snapshot.encoder, head: serialized.meta }, weights: serialized.weights });
  const trainMs = Date.now() - started;

  const version = await deps.db.transaction().execute(async (trx) => {
    const created = await insertModelVersion(trx, {
      projectId,
      encoder: snapshot.encoder,
      metrics: { ...trained.metrics, labelIds },
      weights,
      labelCount: trained.metrics.numLabels,
      backend: deps.backend(),
      trainMs,
      triggeredAt: new Date(payload.triggeredAt),
    });
    await insertOofPredictions(
      trx,
      created.id,
      trained.labeledIndices.map((exampleIndex, i) => ({
        sampleId: snapshot.samples[exampleIndex]!.sampleId,
        labelId: labelIds[snapshot.examples[exampleIndex]!.label!]!,
        proba: Array.from(trained.oof[i]!),
      }))
    );
    const evaluated = trained.evaluation.indices.map((exampleIndex, i) => ({
      sampleId: snapshot.samples[exampleIndex]!.sampleId,
      labelId: labelIds[trained.evaluation.predicted[i]!]!,
    }));
    await insertEvaluationPredictions(trx, created.id, evaluated);
    const truth = new Map(snapshot.samples.flatMap((s) => (s.check && s.labelId !== null ? [[s.sampleId, s.labelId] as const] : [])));
    const decision = decidePromotion({
      candidateName: `v${created.version}`,
      liveName: snapshot.active ? `v${snapshot.active.version.version}` : null,
      truth,
      candidate: new Map(evaluated.map((e) => [e.sampleId, e.labelId])),
      live: livePredictions && livePredictions.size > 0 ? livePredictions : undefined,
    });
    const promotion = { promote: decision.promote, reason: decision.reason, comparison: decision.comparison, automatic: true };
    if (decision.promote) await activateModelVersion(trx, { projectId, versionId: created.id, now: now(), promotion });
    else await rejectModelVersion(trx, created.id, promotion);
    return { ...created, decision };
  });
  const { decision } = version;
  await publish('model.version', { versionId: version.id, version: version.version, promoted: decision.promote, reason: decision.reason });
  if (decision.promote) {
    await dispatchWebhookEvent(deps, projectId, 'model.promoted', { versionId: version.id, version: version.version, automatic: true, reason: decision.reason, labelCount: version.labelCount });
  }
  // After the version is live, so label-to-live does not wait for it.
  const suspects = await writeSuspects(deps.db, snapshot, version.id, trained);
  await publish('suspects.updated', { versionId: version.id, flagged: suspects });
  await checkReviewQueue(deps, projectId);
  if (decision.promote) {
    await scoreProject(deps, { ...snapshot, active: { version, head: trained.head, labelIds } });
  }
  await askAgainIfLabelsArrived(deps, projectId, snapshot.encoder, trained.metrics.numLabels, snapshot.settings.trainEveryLabels);
  return { versionId: version.id, version: version.version, promoted: decision.promote, reason: decision.reason };
}

/**
 * Labels that arrived during this run get their own run once there are enough of them. Counted
 * like the run's own (labeled and embedded): labeled samples still being embedded would otherwise
 * look new after every run and start the next one at once, version after version.
 */
async function askAgainIfLabelsArrived(deps: TrainDeps, projectId: number, encoder: string, trainedOn: number, every: number): Promise<void> {
  const now = await countTrainableLabels(deps.db, projectId, encoder);
  if (now - trainedOn >= every) await requestTraining(deps.jobs, projectId, { delayMs: 0, triggeredAt: new Date() });
}
