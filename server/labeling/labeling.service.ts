import { deleteLastAnnotation, findAnnotation, upsertAnnotation, type ProjectStats } from '#db/annotations.ts';
import { findLabel } from '#db/labels.ts';
import { findSample, type Sample } from '#db/samples.ts';
import { leaseNextSamples, releaseAssignment, type LeaseRequest } from '#db/assignments.ts';
import type { Db } from '#db/client.ts';
import { findQueueEntry } from '#db/queue.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { checkReviewQueue } from '#trainer/jobs/webhook-dispatch.ts';
import type { User } from '#db/users.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import type { AnnotateInput, AnnotateManyInput, NextSampleInput } from './labeling.schema.ts';
import { scheduleTraining } from '../learning/learning.service.ts';
import { sampleImageUrl } from '../http/sample-image-url.ts';
import { KeyedBatcher } from './keyed-batcher.ts';

/**
 * Leasing waits per project here, and whoever waits together is leased in one transaction (see
 * KeyedBatcher). One batcher per database, so projects of different databases never mix.
 */
const leasing = new WeakMap<Db, KeyedBatcher<number, LeaseRequest, Sample | undefined>>();

function leaseBatcher(db: Db) {
  let batcher = leasing.get(db);
  if (!batcher) {
    batcher = new KeyedBatcher((_projectId, requests) => leaseNextSamples(db, requests));
    leasing.set(db, batcher);
  }
  return batcher;
}

/** Why the queue put this sample here, and (unless the project hides it) the model's guess. */
export interface QueueReason {
  reason: string;
  strategy: string;
  guess: { labelId: number; confidence: number } | null;
}

/** A sample as the labeling view shows it, with the user's own label if any. */
export interface SampleView {
  id: number;
  text: string | null;
  imageUrl: string | null;
  imageName: string | null;
  metadata: Record<string, unknown>;
  myLabelId: number | null;
  why: QueueReason | null;
}

/**
 * The queue's reason in words. Where the project hides the model's guess, the reason must not give
 * it away either: the words without labels, or (for a queue ranked before those were written) none.
 */
function queueReason(entry: { strategy: string; predictedLabelId: number | null; explanation: Record<string, unknown> | null }, showGuess: boolean): string {
  const { reason, withoutGuess } = entry.explanation ?? {};
  if (showGuess || entry.predictedLabelId === null) return typeof reason === 'string' ? reason : entry.strategy;
  return typeof withoutGuess === 'string' ? withoutGuess : 'ranked by the model';
}

async function toView(deps: AppDeps, access: ProjectAccess, sample: Sample, myLabelId: number | null): Promise<SampleView> {
  const entry = await findQueueEntry(deps.db, sample.id);
  const showGuess = readProjectSettings(access.project.settings).showModelGuess;
  const why: QueueReason | null = entry
    ? {
        reason: queueReason(entry, showGuess),
        strategy: entry.strategy,
        guess: showGuess && entry.predictedLabelId !== null && entry.confidence !== null ? { labelId: entry.predictedLabelId, confidence: entry.confidence } : null,
      }
    : null;
  return {
    id: sample.id,
    text: sample.text,
    imageUrl: sampleImageUrl(sample.projectId, sample),
    imageName: sample.imageName,
    metadata: sample.metadata,
    myLabelId,
    why,
  };
}

/** The annotator's next sample, leased to them (see db/assignments.ts for the overlap rules). */
export async function getNextSample(deps: AppDeps, user: User, access: ProjectAccess, input: NextSampleInput): Promise<SampleView | null> {
  const { overlap, leaseSeconds } = readProjectSettings(access.project.settings);
  const sample = await leaseBatcher(deps.db).run(access.project.id, {
    projectId: access.project.id,
    userId: user.id,
    excludeIds: input.excludeIds,
    overlap,
    leaseSeconds,
    rareLabelId: input.rareLabelId,
  });
  return sample ? toView(deps, access, sample, null) : null;
}

/** One of the project's samples; NOT_FOUND for any other id, another project's samples included. */
export async function getSample(deps: AppDeps, projectId: number, sampleId: number): Promise<Sample> {
  const sample = await findSample(deps.db, projectId, sampleId);
  if (!sample) throw new AppError('NOT_FOUND', `sample ${sampleId} is not in this project`);
  return sample;
}

export async function getSampleView(deps: AppDeps, user: User, access: ProjectAccess, sampleId: number): Promise<SampleView> {
  const sample = await getSample(deps, access.project.id, sampleId);
  const mine = await findAnnotation(deps.db, sampleId, user.id);
  return toView(deps, access, sample, mine?.labelId ?? null);
}

/** Saves a label, then tells every open browser of the project. */
export async function annotate(
  deps: AppDeps,
  user: User,
  access: ProjectAccess,
  input: AnnotateInput,
): Promise<{ action: 'create' | 'update' | 'duplicate'; stats: ProjectStats }> {
  const projectId = access.project.id;
  const [sample, label] = await Promise.all([findSample(deps.db, projectId, input.sampleId), findLabel(deps.db, projectId, input.labelId)]);
  if (!sample) throw new AppError('NOT_FOUND', `sample ${input.sampleId} is not in this project`);
  if (!label) throw new AppError('INVALID', `label ${input.labelId} is not in this project's label set`);
  const { overlap } = readProjectSettings(access.project.settings);
  // The annotation now holds the sample's slot, so the lease has done its job (releaseLease).
  const { action } = await deps.db
    .transaction()
    .execute((trx) =>
      upsertAnnotation(trx, { projectId, sampleId: sample.id, userId: user.id, labelId: label.id, durationMs: input.durationMs, overlap, clientId: input.clientId, releaseLease: true }),
    );
  if (action !== 'duplicate') {
    await publishChange(deps, projectId, { sampleId: sample.id, userId: user.id, labelId: label.id, action });
    await scheduleTraining(deps, access.project);
    await checkReviewQueue(deps, projectId);
  }
  return { action, stats: await deps.projectStats.fresh(projectId) };
}

/** Bulk labeling: the user's annotation with one label on every selected sample, in one transaction. */
export async function annotateMany(deps: AppDeps, user: User, access: ProjectAccess, input: AnnotateManyInput): Promise<{ labeled: number; stats: ProjectStats }> {
  const projectId = access.project.id;
  const ids = [...new Set(input.sampleIds)];
  const [label, samples] = await Promise.all([findLabel(deps.db, projectId, input.labelId), Promise.all(ids.map((id) => findSample(deps.db, projectId, id)))]);
  if (!label) throw new AppError('INVALID', `label ${input.labelId} is not in this project's label set`);
  const missing = ids.filter((_, i) => !samples[i]);
  if (missing.length > 0) throw new AppError('NOT_FOUND', `sample${missing.length > 1 ? 's' : ''} ${missing.join(', ')} not in this project: nothing was labeled`);
  const { overlap } = readProjectSettings(access.project.settings);
  const actions = await deps.db.transaction().execute(async (trx) => {
    const out: ('create' | 'update' | 'duplicate')[] = [];
    for (const sampleId of ids) {
      out.push((await upsertAnnotation(trx, { projectId, sampleId, userId: user.id, labelId: label.id, durationMs: 0, overlap })).action);
    }
    return out;
  });
  for (const [i, sampleId] of ids.entries()) await publishChange(deps, projectId, { sampleId, userId: user.id, labelId: label.id, action: actions[i] });
  await scheduleTraining(deps, access.project);
  await checkReviewQueue(deps, projectId);
  return { labeled: ids.length, stats: await deps.projectStats.fresh(projectId) };
}

/** Takes back the user's most recent label; returns that sample so the view can show it again. */
export async function undoLast(deps: AppDeps, user: User, access: ProjectAccess): Promise<SampleView | null> {
  const projectId = access.project.id;
  const { overlap } = readProjectSettings(access.project.settings);
  const sampleId = await deps.db.transaction().execute((trx) => deleteLastAnnotation(trx, { projectId, userId: user.id, overlap }));
  if (!sampleId) return null;
  await publishChange(deps, projectId, { sampleId, userId: user.id, labelId: null, action: 'delete' });
  deps.projectStats.changed(projectId);
  await scheduleTraining(deps, access.project);
  await checkReviewQueue(deps, projectId);
  const sample = await findSample(deps.db, projectId, sampleId);
  return sample ? toView(deps, access, sample, null) : null;
}

async function publishChange(deps: AppDeps, projectId: number, data: Record<string, unknown>): Promise<void> {
  try {
    await deps.bus.publish({ projectId, type: 'annotation.changed', data });
  } catch (error) {
    // The label is saved; a missed broadcast only delays other browsers until their next refresh.
    console.error('[labeling] broadcast failed:', error instanceof Error ? error.message : error);
  }
}

/** Gives the user's sample back to the pool (their last browser tab on the project closed). */
export async function releaseLease(deps: AppDeps, projectId: number, userId: number): Promise<void> {
  await releaseAssignment(deps.db, { projectId, userId });
}
