import { UnrecoverableError } from 'bullmq';
import type { Db } from '#db/client.ts';
import { findProject, type Project } from '#db/projects.ts';
import { listLabels, type Label } from '#db/labels.ts';
import { loadTrainingSamples, type TrainingSample } from '#db/training-data.ts';
import { findActiveModelVersion, findModelWeights, type ModelVersion } from '#db/models.ts';
import { readProjectSettings, type ProjectSettings } from './project-settings.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import type { Example } from '../ml/train-version.ts';
import { deserializeHead, type Head } from '../ml/head.ts';
import { unpackModel } from '../ml/model-blob.ts';
import { RemappedHead } from '../ml/remapped-head.ts';

/** Everything training and scoring read about a project, loaded once per job. */
export interface ProjectSnapshot {
  project: Project;
  settings: ProjectSettings;
  labels: Label[];
  encoder: string;
  samples: TrainingSample[];
  examples: Example[];
  active: { version: ModelVersion; head: Head; labelIds: number[] } | undefined;
}

export async function loadProjectSnapshot(db: Db, encoders: EncoderPool, projectId: number): Promise<ProjectSnapshot> {
  const project = await findProject(db, projectId);
  if (!project) throw new UnrecoverableError(`project ${projectId} no longer exists`);
  const encoder = encoders.nameFor(project.dataType);
  const [labels, samples, activeVersion] = await Promise.all([
    listLabels(db, projectId),
    loadTrainingSamples(db, projectId, encoder),
    findActiveModelVersion(db, projectId),
  ]);
  const classOf = new Map(labels.map((l, i) => [l.id, i]));
  const examples = samples.map((s) => ({
    key: s.contentHash,
    vector: s.vector,
    text: s.text,
    label: s.labelId === null ? null : (classOf.get(s.labelId) ?? null),
    check: s.check,
  }));
  return { project, settings: readProjectSettings(project.settings), labels, encoder, samples, examples, active: await loadActive(db, activeVersion, labels) };
}

/**
 * The active head in the project's label order. A version imported from another project may know
 * a subset of the labels, or list them in another order: it is seen through a RemappedHead, so it
 * ranks the queue and is compared at promotion like any other. One that knows a label this project
 * lacks cannot be (import refuses those).
 */
async function loadActive(db: Db, version: ModelVersion | undefined, labels: Label[]) {
  if (!version) return undefined;
  const weights = await findModelWeights(db, version.id);
  if (!weights) return undefined;
  const blob = unpackModel(weights);
  const labelIds = blob.meta.labelIds as number[];
  const head = deserializeHead({ meta: blob.meta.head as Record<string, unknown>, weights: blob.weights });
  const projectLabelIds = labels.map((l) => l.id);
  if (labelIds.length === labels.length && labelIds.every((id, i) => projectLabelIds[i] === id)) return { version, labelIds, head };
  const remapped = RemappedHead.fit(head, labelIds, projectLabelIds);
  return remapped ? { version, labelIds: projectLabelIds, head: remapped } : undefined;
}
