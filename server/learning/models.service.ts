import { activateModelVersion, findModelVersion, listModelVersions, type ModelVersion } from '#db/models.ts';
import { countEmbedded, listEmbeddingFailures } from '#db/embeddings.ts';
import { updateProjectSettings } from '#db/projects.ts';
import type { User } from '#db/users.ts';
import { ProjectSettings, readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { requestScoring } from '#trainer/jobs/triggers.ts';
import { dispatchWebhookEvent } from '#trainer/jobs/webhook-dispatch.ts';
import { PROMOTION_RULE } from '#trainer/ml/evaluation.ts';
import { TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import { IMAGE_ENCODER_NAME, describeImageModel } from '#trainer/ml/encoders/image-encoder.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import { assertRole } from '../projects/roles.ts';

/** A version as the models page lists it (no weights; metrics summarised). */
export interface ModelVersionSummary {
  id: number;
  version: number;
  status: ModelVersion['status'];
  labelCount: number;
  /** On the random check samples (unbiased for the project's data), with its 95% interval and count. */
  accuracy: number | null;
  accuracyLow: number | null;
  accuracyHigh: number | null;
  macroF1: number | null;
  /** Labeled random check samples the accuracy was measured on (0: none, and `accuracy` is null). */
  checkCount: number;
  /** Why there is no accuracy, in words (null when there is one). */
  accuracyNote: string | null;
  /** Cross-validated over every label, mostly the queue's picks (hard cases): a second opinion. */
  cvAccuracy: number | null;
  trainMs: number | null;
  labelToLiveMs: number | null;
  backend: string | null;
  createdAt: string;
  promotedAt: string | null;
  promotion: Record<string, unknown> | null;
}

type Estimate = { value: number; low: number; high: number; n: number };
type MetricsShape = {
  evaluation?: { n: number; accuracy: Estimate; macroF1: Estimate } | null;
  numChecks?: number;
  trainedOnChecks?: boolean;
  crossValidation?: { accuracy: number; macroF1: number };
};

function summarise(v: ModelVersion): ModelVersionSummary {
  const m = v.metrics as MetricsShape;
  // Versions trained before the evaluation slice have no unbiased figure: they show none.
  const e = m.evaluation ?? null;
  return {
    id: v.id,
    version: v.version,
    status: v.status,
    labelCount: v.labelCount,
    accuracy: e?.accuracy.value ?? null,
    accuracyLow: e?.accuracy.low ?? null,
    accuracyHigh: e?.accuracy.high ?? null,
    macroF1: e?.macroF1.value ?? null,
    checkCount: e?.n ?? 0,
    accuracyNote: e
      ? null
      : m.numChecks === undefined
        ? 'trained before random check samples'
        : m.trainedOnChecks
          ? 'too few other labels: trained on its check samples'
          : 'no random check samples labeled yet',
    cvAccuracy: m.crossValidation?.accuracy ?? null,
    trainMs: v.trainMs,
    labelToLiveMs: v.labelToLiveMs,
    backend: v.backend,
    createdAt: v.createdAt.toISOString(),
    promotedAt: v.promotedAt?.toISOString() ?? null,
    promotion: v.promotion,
  };
}

export async function listVersions(deps: AppDeps, access: ProjectAccess) {
  const versions = await listModelVersions(deps.db, access.project.id);
  return { versions: versions.map(summarise), promotionRule: PROMOTION_RULE };
}

/** One version with its full metrics (per-class figures, confusion matrix, calibration). */
export async function getVersion(deps: AppDeps, access: ProjectAccess, versionId: number) {
  const version = await findModelVersion(deps.db, access.project.id, versionId);
  if (!version) throw new AppError('NOT_FOUND', `model version ${versionId} is not in this project`);
  return { ...summarise(version), metrics: version.metrics };
}

/** Puts any version live by hand (promote or roll back); leads and owners only. */
export async function promoteVersion(deps: AppDeps, user: User, access: ProjectAccess, versionId: number) {
  assertRole(access.role, 'lead', 'promote or roll back model versions');
  const version = await findModelVersion(deps.db, access.project.id, versionId);
  if (!version) throw new AppError('NOT_FOUND', `model version ${versionId} is not in this project`);
  if (version.status === 'active') return summarise(version);
  await deps.db.transaction().execute((trx) =>
    activateModelVersion(trx, { projectId: access.project.id, versionId, now: deps.now(), promotion: { automatic: false, by: user.id, reason: `set live by ${user.name}` } }),
  );
  await deps.bus.publish({ projectId: access.project.id, type: 'model.version', data: { versionId, version: version.version, promoted: true, manual: true } });
  const promoted = { versionId, version: version.version, automatic: false, reason: `set live by ${user.name}`, labelCount: version.labelCount };
  await dispatchWebhookEvent(deps, access.project.id, 'model.promoted', promoted);
  await requestScoring(deps.jobs, access.project.id).catch((error: Error) => console.error('[models] could not re-rank:', error.message));
  return summarise({ ...version, status: 'active' });
}

export async function getLearningStatus(deps: AppDeps, access: ProjectAccess) {
  const { project } = access;
  const encoder = project.dataType === 'image' ? IMAGE_ENCODER_NAME : TEXT_ENCODER_NAME;
  const imageModel = project.dataType === 'image' ? describeImageModel(deps.env.SIFT_IMAGE_MODEL_DIR) : { ok: true as const, dir: '' };
  return {
    settings: readProjectSettings(project.settings),
    encoder,
    embedding: await describeEmbedding(deps, project.id, encoder),
    imageModel: imageModel.ok ? { ok: true as const } : { ok: false as const, reason: imageModel.reason },
  };
}

/** Samples unreadable by the encoder named on the overview; the count is always whole. */
const NAMED_UNREADABLE = 5;

/** How far embedding has got, and the first few samples set aside because their image does not decode. */
async function describeEmbedding(deps: AppDeps, projectId: number, encoder: string) {
  const counts = await countEmbedded(deps.db, projectId, encoder);
  const unreadable = counts.failed > 0 ? await listEmbeddingFailures(deps.db, projectId, encoder, NAMED_UNREADABLE) : [];
  return { ...counts, unreadable: unreadable.map(({ sampleId, name }) => ({ sampleId, name })) };
}

export async function updateSettings(deps: AppDeps, access: ProjectAccess, patch: Partial<ProjectSettings>) {
  assertRole(access.role, 'lead', 'change learning settings');
  const next = ProjectSettings.parse({ ...readProjectSettings(access.project.settings), ...patch });
  await updateProjectSettings(deps.db, access.project.id, next);
  deps.servingCache.projects.deleteWhere((project) => project.id === access.project.id);
  await deps.bus.publish({ projectId: access.project.id, type: 'settings.updated', data: {} });
  if (patch.strategy) await requestScoring(deps.jobs, access.project.id).catch((error: Error) => console.error('[models] could not re-rank:', error.message));
  return next;
}
