import { createHash } from 'node:crypto';
import type { ApiKey } from '#db/api-keys.ts';
import { findProject } from '#db/projects.ts';
import { findLatestDrift } from '#db/predictions.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { requestDriftCheck } from '#trainer/jobs/triggers.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { readImageHeader } from '../import/image-header.ts';
import { UndecodableImageError } from '../inference/embedder.ts';
import type { ServingModel } from '../inference/model-cache.ts';
import type { PredictInput, PredictQuery } from './predict.schema.ts';
import { argmax } from '#trainer/ml/metrics.ts';

export interface Prediction {
  label: string | null;
  confidence: number;
  probabilities: Record<string, number>;
  abstained?: true;
}

/**
 * Predictions of the project's live version (or a pinned one) for a batch of inputs: the inputs
 * are embedded off the event loop (micro-batched with other requests), scored by the version's
 * head, and logged. Below `threshold` a prediction abstains (`label: null`), so apps can send it
 * to a person.
 */
export async function predict(deps: AppDeps, input: { projectId: number; apiKey: ApiKey; inputs: PredictInput[]; query: PredictQuery }) {
  const started = performance.now();
  const project = deps.servingCache.projects.get(input.projectId) ?? (await findProject(deps.db, input.projectId));
  if (!project) throw new AppError('NOT_FOUND', 'no such project');
  deps.servingCache.projects.set(project.id, project);
  const model = await chooseModel(deps, input.projectId, input.query.version);
  const { texts, images } = splitInputs(input.inputs, project.dataType);
  const embedded = texts ? await deps.embedder.embed('text', texts) : await embedImages(deps, images!);
  if (embedded.encoder !== model.encoder) throw new AppError('CONFLICT', `version ${model.version} was trained on ${model.encoder} embeddings, which this server no longer makes`);
  const proba = model.head.predictProba({ dense: embedded.vectors, texts });
  const predictions = proba.map((p) => toPrediction(model, p, input.query.threshold));
  const latencyMs = performance.now() - started;
  const createdAt = new Date();
  deps.predictionLog.add(
    predictions.map((prediction, i) => ({
      projectId: input.projectId,
      modelVersionId: model.versionId,
      apiKeyId: input.apiKey.id,
      inputHash: hashInput(texts?.[i] ?? images![i]!),
      encoder: embedded.encoder,
      embedding: embedded.vectors[i]!,
      labelId: model.labels[argmax(proba[i]!)]?.id ?? null,
      confidence: prediction.confidence,
      abstained: prediction.abstained === true,
      latencyMs: latencyMs / predictions.length,
      createdAt,
    })),
  );
  checkDriftEvery(deps, input.projectId, predictions.length);
  await sendFeedback(deps, input.projectId, readProjectSettings(project.settings), {
    version: model.version,
    confidences: predictions.map((p) => p.confidence),
    texts,
    images,
  });
  return { modelVersion: model.version, predictions };
}

/**
 * Production feedback: inputs below the confidence threshold, or every input while the latest
 * drift check says production has drifted (when the project asks for that), join the pool.
 */
async function sendFeedback(
  deps: AppDeps,
  projectId: number,
  settings: ReturnType<typeof readProjectSettings>,
  batch: { version: number; confidences: number[]; texts?: string[]; images?: Uint8Array[] },
): Promise<void> {
  const { feedbackBelowConfidence: below, feedbackWhenDrifted } = settings;
  if (below === null && !feedbackWhenDrifted) return;
  let drifted = false;
  if (feedbackWhenDrifted) {
    const known = deps.servingCache.drifted.get(projectId);
    drifted = known ?? (await findLatestDrift(deps.db, projectId));
    if (known === undefined) deps.servingCache.drifted.set(projectId, drifted);
  }
  deps.feedback.add(
    projectId,
    batch.confidences.flatMap((confidence, i) =>
      drifted || (below !== null && confidence < below) ? [{ text: batch.texts?.[i], image: batch.images?.[i], confidence, modelVersion: batch.version }] : [],
    ),
  );
}

/** Predictions (per project, in this process) between automatic drift checks. */
const DRIFT_CHECK_EVERY = 200;
/**
 * Projects counted at once: an entry is two numbers (about 50 bytes), so under 1 MB. Past it the
 * counts start again (each project's next check comes up to 200 predictions late).
 */
const DRIFT_COUNTED_PROJECTS = 10_000;
const sinceDriftCheck = new Map<number, number>();

function checkDriftEvery(deps: AppDeps, projectId: number, count: number): void {
  if (sinceDriftCheck.size >= DRIFT_COUNTED_PROJECTS && !sinceDriftCheck.has(projectId)) sinceDriftCheck.clear();
  const total = (sinceDriftCheck.get(projectId) ?? 0) + count;
  sinceDriftCheck.set(projectId, total >= DRIFT_CHECK_EVERY ? 0 : total);
  if (total >= DRIFT_CHECK_EVERY) {
    requestDriftCheck(deps.jobs, projectId).catch((error: unknown) => console.error('[predict] could not request a drift check:', error instanceof Error ? error.message : error));
  }
}

async function chooseModel(deps: AppDeps, projectId: number, version: number | undefined): Promise<ServingModel> {
  if (version !== undefined) {
    const pinned = await deps.models.getVersion(projectId, version);
    if (!pinned) throw new AppError('NOT_FOUND', `this project has no model version ${version}`);
    return pinned;
  }
  const active = await deps.models.getActive(projectId);
  if (!active) throw new AppError('CONFLICT', 'this project has no live model yet: label some samples and let it train');
  return active;
}

/** An image whose header reads but whose pixels do not decode is the request's fault: 400 naming `inputs[i]`. */
async function embedImages(deps: AppDeps, images: Uint8Array[]) {
  try {
    return await deps.embedder.embed('image', images);
  } catch (error) {
    if (error instanceof UndecodableImageError) throw new AppError('INVALID', error.describe((index) => `inputs[${index}]`));
    throw error;
  }
}

/** Texts for a text project, image bytes for an image project; anything else is named by index. */
function splitInputs(inputs: PredictInput[], dataType: 'text' | 'image'): { texts?: string[]; images?: Uint8Array[] } {
  if (dataType === 'text') {
    const wrong = inputs.findIndex((i) => !('text' in i));
    if (wrong >= 0) throw new AppError('INVALID', `inputs[${wrong}]: this is a text project: send {"text": "..."}`);
    return { texts: inputs.map((i) => (i as { text: string }).text) };
  }
  return {
    images: inputs.map((item, index) => {
      if ('text' in item) throw new AppError('INVALID', `inputs[${index}]: this is an image project: send {"image": "<base64>"} or upload files`);
      const bytes = 'imageBytes' in item ? item.imageBytes : Buffer.from(item.image.replace(/^data:[^;,]+;base64,/, ''), 'base64');
      if (!readImageHeader(bytes)) throw new AppError('INVALID', `inputs[${index}]: not a PNG, JPEG, GIF or WebP image`);
      return new Uint8Array(bytes);
    }),
  };
}

function toPrediction(model: ServingModel, p: Float32Array, threshold: number | undefined): Prediction {
  const best = argmax(p);
  const probabilities: Record<string, number> = {};
  model.labels.forEach((label, c) => label && (probabilities[label.name] = round(p[c]!)));
  const confidence = round(p[best]!);
  if (threshold !== undefined && confidence < threshold) return { label: null, confidence, probabilities, abstained: true };
  return { label: model.labels[best]?.name ?? null, confidence, probabilities };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}


function hashInput(input: string | Uint8Array): string {
  return createHash('sha256').update(input).digest('hex');
}
