import { findLabel } from '#db/labels.ts';
import { findQueueEntries } from '#db/queue.ts';
import { countDisagreements, listAnnotationDetails, listDisagreements, resolveByReview, type AnnotationDetail } from '#db/reviews.ts';
import { findSample } from '#db/samples.ts';
import { findSampleCards } from '#db/explore.ts';
import { countOpenSuspects, countSuspectDecisions, findOpenSuspect, insertSuspectDecision, listOpenSuspects } from '#db/suspects.ts';
import type { User } from '#db/users.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { checkReviewQueue } from '#trainer/jobs/webhook-dispatch.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import { assertRole } from '../projects/roles.ts';
import { scheduleTraining } from '../learning/learning.service.ts';
import type { DecideSuspectInput, ResolveInput, ReviewListInput, SuspectListInput } from './review.schema.ts';
import { sampleImageUrl } from '../http/sample-image-url.ts';

/** What a reviewer sees of a sample. */
export interface ReviewSample {
  id: number;
  text: string | null;
  imageUrl: string | null;
}

export interface Disagreement {
  sample: ReviewSample;
  annotations: Omit<AnnotationDetail, 'updatedAt' | 'sampleId'>[];
  /** The live model's guess for the sample, when it has scored it. */
  model: { labelId: number; confidence: number } | null;
}

/** The samples `ids` of the project as reviewers see them, in one query. */
async function loadSamples(deps: AppDeps, projectId: number, ids: number[]): Promise<Map<number, ReviewSample>> {
  const cards = await findSampleCards(deps.db, projectId, ids);
  return new Map(
    cards.map((c) => [c.id, { id: c.id, text: c.text, imageUrl: sampleImageUrl(projectId, c) }]),
  );
}

/** Samples whose annotators disagree, with every annotation and the model's view. */
export async function listReviewQueue(deps: AppDeps, access: ProjectAccess, input: ReviewListInput) {
  assertRole(access.role, 'reviewer', 'review disagreements');
  const projectId = access.project.id;
  const { overlap } = readProjectSettings(access.project.settings);
  const [pending, total] = await Promise.all([listDisagreements(deps.db, { projectId, overlap, limit: input.limit }), countDisagreements(deps.db, { projectId, overlap })]);
  const ids = pending.map((p) => p.sampleId);
  const [samples, details, entries] = await Promise.all([
    loadSamples(deps, projectId, ids),
    listAnnotationDetails(deps.db, projectId, ids),
    findQueueEntries(deps.db, ids),
  ]);
  const items: Disagreement[] = ids.flatMap((id) => {
    const sample = samples.get(id);
    if (!sample) return [];
    const entry = entries.get(id);
    return [
      {
        sample,
        annotations: details.filter((d) => d.sampleId === id).map(({ userId, userName, labelId, durationMs }) => ({ userId, userName, labelId, durationMs })),
        model: entry?.predictedLabelId != null && entry.confidence != null ? { labelId: entry.predictedLabelId, confidence: entry.confidence } : null,
      },
    ];
  });
  return { items, total };
}

/** A reviewer's final label: it becomes the sample's resolution for everyone, live. */
export async function resolveSample(deps: AppDeps, user: User, access: ProjectAccess, input: ResolveInput) {
  assertRole(access.role, 'reviewer', 'resolve samples');
  const projectId = access.project.id;
  await requireSampleAndLabel(deps, projectId, input.sampleId, input.labelId);
  await deps.db.transaction().execute((trx) => resolveByReview(trx, { projectId, sampleId: input.sampleId, labelId: input.labelId, reviewerId: user.id }));
  await announceResolution(deps, access, { sampleId: input.sampleId, labelId: input.labelId, by: user });
  return { sampleId: input.sampleId, labelId: input.labelId, method: 'review' as const };
}

async function requireSampleAndLabel(deps: AppDeps, projectId: number, sampleId: number, labelId: number): Promise<void> {
  const [sample, label] = await Promise.all([findSample(deps.db, projectId, sampleId), findLabel(deps.db, projectId, labelId)]);
  if (!sample) throw new AppError('NOT_FOUND', `sample ${sampleId} is not in this project`);
  if (!label) throw new AppError('INVALID', `label ${labelId} is not in this project's label set`);
}

async function announceResolution(deps: AppDeps, access: ProjectAccess, change: { sampleId: number; labelId: number; by: User }): Promise<void> {
  await publishQuietly(deps, {
    projectId: access.project.id,
    type: 'resolution.changed',
    data: { sampleId: change.sampleId, labelId: change.labelId, method: 'review', by: { id: change.by.id, name: change.by.name } },
  });
  deps.projectStats.changed(access.project.id);
  await scheduleTraining(deps, access.project);
  await checkReviewQueue(deps, access.project.id);
}

async function publishQuietly(deps: AppDeps, event: { projectId: number; type: string; data: Record<string, unknown> }): Promise<void> {
  try {
    await deps.bus.publish(event);
  } catch (error) {
    // The decision is saved; a missed broadcast only delays other browsers until their next refresh.
    console.error('[review] broadcast failed:', error instanceof Error ? error.message : error);
  }
}

/** Suspected mislabels, most suspicious first, and the share of past suspects reviewers accepted. */
export async function listSuspects(deps: AppDeps, access: ProjectAccess, input: SuspectListInput) {
  assertRole(access.role, 'reviewer', 'review suspected mislabels');
  const projectId = access.project.id;
  const [suspects, open, decisions] = await Promise.all([
    listOpenSuspects(deps.db, { projectId, limit: input.limit, flaggedOnly: input.flaggedOnly }),
    countOpenSuspects(deps.db, projectId),
    countSuspectDecisions(deps.db, projectId),
  ]);
  const samples = await loadSamples(deps, projectId, suspects.map((s) => s.sampleId));
  const decided = decisions.accepted + decisions.dismissed;
  return {
    items: suspects.flatMap((s) => {
      const sample = samples.get(s.sampleId);
      return sample ? [{ ...s, sample }] : [];
    }),
    open,
    hitRate: { accepted: decisions.accepted, decided, rate: decided > 0 ? decisions.accepted / decided : null },
  };
}

/** Accepting relabels the sample (a reviewer's resolution); dismissing remembers the label is right. */
export async function decideSuspect(deps: AppDeps, user: User, access: ProjectAccess, input: DecideSuspectInput) {
  assertRole(access.role, 'reviewer', 'review suspected mislabels');
  const projectId = access.project.id;
  const suspect = await findOpenSuspect(deps.db, projectId, input.sampleId);
  if (!suspect) throw new AppError('CONFLICT', `sample ${input.sampleId} is not an open suspect (already decided, relabeled or retrained)`);
  const finalLabelId = input.decision === 'accept' ? (input.labelId ?? suspect.suggestedLabelId) : suspect.labelId;
  if (input.decision === 'accept') await requireSampleAndLabel(deps, projectId, input.sampleId, finalLabelId);
  await deps.db.transaction().execute(async (trx) => {
    if (input.decision === 'accept') await resolveByReview(trx, { projectId, sampleId: input.sampleId, labelId: finalLabelId, reviewerId: user.id });
    await insertSuspectDecision(trx, { projectId, suspect, decision: input.decision === 'accept' ? 'accepted' : 'dismissed', finalLabelId, decidedBy: user.id });
  });
  if (input.decision === 'accept') await announceResolution(deps, access, { sampleId: input.sampleId, labelId: finalLabelId, by: user });
  else {
    await publishQuietly(deps, { projectId, type: 'suspect.dismissed', data: { sampleId: input.sampleId, labelId: suspect.labelId, by: { id: user.id, name: user.name } } });
    await checkReviewQueue(deps, projectId);
  }
  return { sampleId: input.sampleId, decision: input.decision, labelId: finalLabelId };
}
