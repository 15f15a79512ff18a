import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { findProject } from '#db/projects.ts';
import { findSampleImages } from '#db/samples.ts';
import {
  countEmbedded,
  findCachedEmbeddings,
  findSamplesMissingEmbedding,
  insertCachedEmbeddings,
  upsertEmbeddings,
  analyzeEmbeddings,
  type PendingSample,
} from '#db/embeddings.ts';
import type { EventBus } from './events.ts';
import type { EncoderPool } from '../encoder-pool.ts';
import type { JobSystem } from './queue.ts';
import { EmbedPayload, type EmbedResult } from './embed.job.ts';
import { requestScoring } from './triggers.ts';

const BATCH = 128;
const PROGRESS_EVERY_MS = 500;

export interface EmbedDeps {
  db: Db;
  bus: EventBus;
  jobs: JobSystem;
  encoders: EncoderPool;
}

/**
 * Embeds every sample of the project that lacks an embedding, reusing cached vectors by content
 * hash, in batches; progress goes to the browser. Then asks for the pool to be (re)ranked.
 */
/** New embeddings past which the planner's statistics are refreshed (see analyzeEmbeddings). */
const ANALYZE_AFTER_ROWS = 1000;

export function createEmbedProcessor(deps: EmbedDeps) {
  return async (job: Job): Promise<EmbedResult> => {
    const parsed = EmbedPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad embed payload: ${parsed.error.message}`);
    const { projectId } = parsed.data;
    const project = await findProject(deps.db, projectId);
    if (!project) throw new UnrecoverableError(`project ${projectId} no longer exists`);
    const encoderName = deps.encoders.nameFor(project.dataType);
    const embedOne = await loadEmbedder(deps, project.dataType, projectId);

    let embedded = 0;
    let fromCache = 0;
    let lastReport = 0;
    const report = async (done: boolean) => {
      const progress = await countEmbedded(deps.db, projectId, encoderName);
      await job.updateProgress(progress);
      await deps.bus.publish({ projectId, type: done ? 'embed.completed' : 'embed.progress', data: { ...progress, encoder: encoderName } });
    };
    await report(false);
    for (;;) {
      const batch = await findSamplesMissingEmbedding(deps.db, projectId, encoderName, BATCH);
      if (batch.length === 0) break;
      const cached = await findCachedEmbeddings(deps.db, encoderName, batch.map((s) => s.contentHash));
      const missing = batch.filter((s) => !cached.has(s.contentHash));
      const vectors = missing.length > 0 ? await embedOne(missing) : [];
      const fresh = missing.map((s, i) => ({ contentHash: s.contentHash, vector: vectors[i]! }));
      await insertCachedEmbeddings(deps.db, encoderName, fresh);
      for (const f of fresh) cached.set(f.contentHash, f.vector);
      await upsertEmbeddings(
        deps.db,
        batch.map((s) => ({ sampleId: s.id, projectId, encoder: encoderName, vector: cached.get(s.contentHash)! })),
      );
      embedded += batch.length;
      fromCache += batch.length - missing.length;
      if (Date.now() - lastReport > PROGRESS_EVERY_MS) {
        lastReport = Date.now();
        await report(false);
      }
    }
    if (embedded >= ANALYZE_AFTER_ROWS) await analyzeEmbeddings(deps.db);
    await report(true);
    await requestScoring(deps.jobs, projectId);
    return { embedded, fromCache };
  };
}

/** The function that turns pending samples into vectors for this project's data type. */
async function loadEmbedder(deps: EmbedDeps, dataType: 'text' | 'image', projectId: number) {
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
    return encoder.embed(samples.map((s) => new Uint8Array(images.get(s.id) ?? Buffer.alloc(0))));
  };
}
