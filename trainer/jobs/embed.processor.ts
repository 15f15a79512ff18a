import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { findProject } from '#db/projects.ts';
import { findSampleImages } from '#db/samples.ts';
import {
  countEmbedded,
  findCachedEmbeddings,
  findSamplesMissingEmbedding,
  insertCachedEmbeddings,
  insertEmbeddingFailures,
  upsertEmbeddings,
  analyzeEmbeddings,
  type PendingSample,
} from '#db/embeddings.ts';
import { ImageDecodeError } from '../ml/encoders/image-decode.ts';
import type { EventBus } from './events.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import type { JobSystem } from './queue.ts';
import { EmbedPayload, type EmbedResult } from './embed.job.ts';
import { requestScoring } from './triggers.ts';

const BATCH = 128;
const PROGRESS_EVERY_MS = 500;
/** Unreadable samples named in one event (the count is always whole); the log names them all. */
const NAMED_IN_EVENT = 20;

export interface EmbedDeps {
  db: Db;
  bus: EventBus;
  jobs: JobSystem;
  encoders: EncoderPool;
}

/** New embeddings past which the planner's statistics are refreshed (see analyzeEmbeddings). */
const ANALYZE_AFTER_ROWS = 1000;

/** A sample set aside because its image does not decode. */
interface Unreadable {
  sample: PendingSample;
  reason: string;
}

/**
 * Embeds every sample of the project that lacks an embedding, reusing cached vectors by content
 * hash, in batches; progress goes to the browser. An image that does not decode is recorded as
 * an embedding failure (never retried, named in the log and the events) and the rest of its
 * batch is embedded. Then asks for the pool to be (re)ranked.
 */
export function createEmbedProcessor(deps: EmbedDeps) {
  return async (job: Job): Promise<EmbedResult> => {
    const parsed = EmbedPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad embed payload: ${parsed.error.message}`);
    const { projectId } = parsed.data;
    const project = await findProject(deps.db, projectId);
    if (!project) throw new UnrecoverableError(`project ${projectId} no longer exists`);
    const encoderName = deps.encoders.nameFor(project.dataType);
    const embedMany = await loadEmbedder(deps, project.dataType, projectId);

    let embedded = 0;
    let fromCache = 0;
    let lastReport = 0;
    const unreadable: Unreadable[] = [];
    const report = async (done: boolean) => {
      const progress = await countEmbedded(deps.db, projectId, encoderName);
      await job.updateProgress(progress);
      const named = unreadable.slice(0, NAMED_IN_EVENT).map(({ sample }) => ({ sampleId: sample.id, name: sample.imageName }));
      const data = { ...progress, encoder: encoderName, ...(named.length > 0 ? { unreadable: named } : {}) };
      await deps.bus.publish({ projectId, type: done ? 'embed.completed' : 'embed.progress', data });
    };
    await report(false);
    for (;;) {
      const batch = await findSamplesMissingEmbedding(deps.db, projectId, encoderName, BATCH);
      if (batch.length === 0) break;
      const done = await embedBatch(deps.db, { projectId, encoder: encoderName, embedMany }, batch);
      embedded += done.embedded;
      fromCache += done.fromCache;
      unreadable.push(...done.unreadable);
      if (Date.now() - lastReport > PROGRESS_EVERY_MS) {
        lastReport = Date.now();
        await report(false);
      }
    }
    if (embedded >= ANALYZE_AFTER_ROWS) await analyzeEmbeddings(deps.db);
    await report(true);
    await requestScoring(deps.jobs, projectId);
    return { embedded, fromCache, unreadable: unreadable.length };
  };
}

type EmbedMany = (samples: PendingSample[]) => Promise<Float32Array[]>;

/**
 * Stores one batch's embeddings (cached vectors reused by content hash) and sets aside, as
 * embedding failures, the samples whose image does not decode.
 */
async function embedBatch(db: Db, target: { projectId: number; encoder: string; embedMany: EmbedMany }, batch: PendingSample[]) {
  const { projectId, encoder } = target;
  const cached = await findCachedEmbeddings(db, encoder, batch.map((s) => s.contentHash));
  const missing = batch.filter((s) => !cached.has(s.contentHash));
  const { fresh, failed } = await embedReadable(target.embedMany, missing);
  if (failed.length > 0) {
    await insertEmbeddingFailures(db, failed.map(({ sample, reason }) => ({ sampleId: sample.id, projectId, encoder, error: reason })));
    logUnreadable(projectId, failed);
  }
  await insertCachedEmbeddings(db, encoder, fresh);
  for (const f of fresh) cached.set(f.contentHash, f.vector);
  const ready = batch.filter((s) => cached.has(s.contentHash));
  await upsertEmbeddings(db, ready.map((s) => ({ sampleId: s.id, projectId, encoder, vector: cached.get(s.contentHash)! })));
  return { embedded: ready.length, fromCache: batch.length - missing.length, unreadable: failed };
}

/**
 * Vectors for `samples` by content hash, and the samples whose image does not decode. The image
 * encoder names every undecodable input of a call, so one more call embeds the rest.
 */
async function embedReadable(
  embedMany: EmbedMany,
  samples: PendingSample[],
): Promise<{ fresh: { contentHash: string; vector: Float32Array }[]; failed: Unreadable[] }> {
  if (samples.length === 0) return { fresh: [], failed: [] };
  try {
    const vectors = await embedMany(samples);
    return { fresh: samples.map((s, i) => ({ contentHash: s.contentHash, vector: vectors[i]! })), failed: [] };
  } catch (error) {
    if (!(error instanceof ImageDecodeError) || error.failures.length === 0) throw error;
    const reasons = new Map(error.failures.map((f) => [f.index, f.reason]));
    const failed = samples.flatMap((sample, i) => (reasons.has(i) ? [{ sample, reason: reasons.get(i)! }] : []));
    const rest = await embedReadable(embedMany, samples.filter((_, i) => !reasons.has(i)));
    return { fresh: rest.fresh, failed: [...failed, ...rest.failed] };
  }
}

function logUnreadable(projectId: number, failed: Unreadable[]): void {
  const list = failed.map(({ sample, reason }) => `sample ${sample.id}${sample.imageName ? ` (${sample.imageName})` : ''}: ${reason}`).join('; ');
  console.warn(`[trainer] embed: project ${projectId}: ${failed.length} image(s) could not be decoded and are left out: ${list}`);
}

/** The function that turns pending samples into vectors for this project's data type. */
async function loadEmbedder(deps: EmbedDeps, dataType: 'text' | 'image', projectId: number): Promise<EmbedMany> {
  if (dataType === 'text') {
    const encoder = await deps.encoders.text();
    return (samples: PendingSample[]) => encoder.embed(samples.map((s) => s.text ?? ''));
  }
  const status = deps.encoders.imageModelStatus();
  if (!status.ok) {
    await deps.bus.publish({ projectId, type: 'embed.blocked', data: { reason: status.reason } });
    throw new UnrecoverableError(status.reason);
  }
  const encoder = await deps.encoders.image();
  return async (samples: PendingSample[]) => {
    const images = await findSampleImages(deps.db, projectId, samples.map((s) => s.id));
    // A sample without its image row decodes as nothing, so it is set aside like a corrupt one.
    return encoder.embed(samples.map((s) => new Uint8Array(images.get(s.id) ?? Buffer.alloc(0))));
  };
}
