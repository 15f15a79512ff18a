import { getProjectStats } from '#db/annotations.ts';
import { countRareCandidates, findSampleCards, findSampleVector, findSimilarSamples, listRareCandidates, listSampleMap } from '#db/explore.ts';
import { listLabels } from '#db/labels.ts';
import { findSample } from '#db/samples.ts';
import { findEmbeddingFailure, type Neighbour } from '#db/embeddings.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import { IMAGE_ENCODER_NAME } from '#trainer/ml/encoders/image-encoder.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import type { MapInput, RareInput, SearchInput, SimilarInput } from './explore.schema.ts';
import { sampleImageUrl } from '../http/sample-image-url.ts';
import { readImageHeader } from '../import/image-header.ts';
import { UndecodableImageError } from '../inference/embedder.ts';

/** A sample in a result grid: its content, its final label (if any) and how far it is from the query. */
export interface SampleCard {
  id: number;
  text: string | null;
  imageUrl: string | null;
  labelId: number | null;
  distance?: number;
}

function encoderOf(access: ProjectAccess): string {
  return access.project.dataType === 'image' ? IMAGE_ENCODER_NAME : TEXT_ENCODER_NAME;
}

async function toCards(deps: AppDeps, projectId: number, found: { sampleId: number; distance?: number }[]): Promise<SampleCard[]> {
  const cards = await findSampleCards(deps.db, projectId, found.map((f) => f.sampleId));
  const distance = new Map(found.map((f) => [f.sampleId, f.distance]));
  return cards.map((c) => ({
    id: c.id,
    text: c.text,
    imageUrl: sampleImageUrl(projectId, c),
    labelId: c.labelId,
    distance: distance.get(c.id),
  }));
}

/** "More like this": the nearest samples to one sample, through the HNSW index. */
export async function findSimilar(deps: AppDeps, access: ProjectAccess, input: SimilarInput) {
  const projectId = access.project.id;
  const encoder = encoderOf(access);
  const [sample, vector] = await Promise.all([findSample(deps.db, projectId, input.sampleId), findSampleVector(deps.db, projectId, input.sampleId, encoder)]);
  if (!sample) throw new AppError('NOT_FOUND', `sample ${input.sampleId} is not in this project`);
  if (!vector) {
    const failure = await findEmbeddingFailure(deps.db, input.sampleId, encoder);
    if (failure) throw new AppError('CONFLICT', `sample ${input.sampleId} could not be read as an image, so it has no neighbours (${failure})`);
    throw new AppError('CONFLICT', `sample ${input.sampleId} has no embedding yet: wait for the import to be processed`);
  }
  const found: Neighbour[] = await findSimilarSamples(deps.db, { projectId, encoder, vector, k: input.k, filter: input.filter, exclude: [input.sampleId] });
  return { items: await toCards(deps, projectId, found) };
}

/** Free-text (text projects) or image (image projects) search: embeds the query, then kNN. */
export async function search(deps: AppDeps, access: ProjectAccess, input: SearchInput) {
  const projectId = access.project.id;
  const dataType = access.project.dataType;
  if (input.query.kind !== dataType) throw new AppError('INVALID', `this is ${dataType === 'image' ? 'an image' : 'a text'} project: search it with ${dataType === 'image' ? 'an image' : 'words'}`);
  const embedded = input.query.kind === 'text' ? await deps.embedder.embed('text', [input.query.text]) : await embedQueryImage(deps, input.query.base64);
  const found = await findSimilarSamples(deps.db, { projectId, encoder: embedded.encoder, vector: embedded.vectors[0]!, k: input.k, filter: input.filter });
  return { items: await toCards(deps, projectId, found) };
}

/** The search image: refused (400) when it is not an image or does not decode, as the encoder would. */
async function embedQueryImage(deps: AppDeps, base64: string) {
  const bytes = Buffer.from(base64.replace(/^data:[^;]+;base64,/, ''), 'base64');
  if (bytes.length === 0) throw new AppError('INVALID', 'the image is empty or not base64');
  if (!readImageHeader(bytes)) throw new AppError('INVALID', 'the image is not a PNG, JPEG, GIF or WebP image');
  try {
    return await deps.embedder.embed('image', [new Uint8Array(bytes)]);
  } catch (error) {
    if (error instanceof UndecodableImageError) throw new AppError('INVALID', error.describe(() => 'the image'));
    throw error;
  }
}

/** The class distribution (rare classes marked, with how many candidates each has) for the explore page. */
export async function getClassDistribution(deps: AppDeps, access: ProjectAccess) {
  const projectId = access.project.id;
  const { rareClassThreshold } = readProjectSettings(access.project.settings);
  const [labels, stats, candidates] = await Promise.all([listLabels(deps.db, projectId), getProjectStats(deps.db, projectId), countRareCandidates(deps.db, projectId)]);
  const counts = new Map(stats.labelCounts.map((c) => [c.labelId, c.count]));
  return {
    threshold: rareClassThreshold,
    resolved: stats.resolvedCount,
    samples: stats.sampleCount,
    classes: labels.map((l) => {
      const count = counts.get(l.id) ?? 0;
      return { labelId: l.id, name: l.name, count, rare: count < rareClassThreshold, candidates: candidates.get(l.id) ?? 0 };
    }),
  };
}

/** Points of the 2-D map (an even sample when the project is large), each with its final label. */
export async function getSampleMap(deps: AppDeps, access: ProjectAccess, input: MapInput) {
  return { points: await listSampleMap(deps.db, access.project.id, input.limit) };
}

/** Unlabeled samples likely to belong to a rare class, best first. */
export async function getRareCandidates(deps: AppDeps, access: ProjectAccess, input: RareInput) {
  const projectId = access.project.id;
  const candidates = await listRareCandidates(deps.db, projectId, input.labelId, input.limit);
  const cards = await toCards(deps, projectId, candidates.map((c) => ({ sampleId: c.sampleId })));
  const byId = new Map(candidates.map((c) => [c.sampleId, c]));
  return { items: cards.map((card) => ({ ...card, probability: byId.get(card.id)!.probability, similarity: byId.get(card.id)!.similarity })) };
}
