/**
 * kNN latency and recall through the platform's own query (`findSimilarSamples`: HNSW with
 * iterative scans) on a scratch database: real PostgreSQL when DATABASE_URL is set, and embedded
 * PGlite. `node --import tsx trainer/bench/knn.ts [--rows N] [--queries Q] [--backends postgres,pglite]`.
 *
 * Vectors are synthetic but clustered like sentence embeddings (unit vectors around 200 topic
 * directions, cosine ≈ 0.6 to their topic), since uniformly random 512-d vectors have no
 * neighbourhood structure and would understate recall. 5% of samples carry the filter label.
 */
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import type { Db } from '#db/client.ts';
import { analyzeEmbeddings, upsertEmbeddings } from '#db/embeddings.ts';
import { findSimilarSamples, type NeighbourFilter } from '#db/explore.ts';
import { listLabels } from '#db/labels.ts';
import { insertProject } from '#db/projects.ts';
import { resolveByReview } from '#db/reviews.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { createScratchDatabase } from '#db/scratch.ts';
import { insertUser } from '#db/users.ts';
import { initTensorBackend } from '../ml/backend.ts';
import { createRandom } from '../ml/head-fit.ts';

const DIMS = 512;
const TOPICS = 200;
const K = 10;
const ENCODER = 'bench-512';

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.hypot(...v) || 1;
  return v.map((x) => x / norm);
}

/** `count` unit vectors around shared topic directions. */
function clusteredVectors(count: number, seed: number, topics: Float32Array[]): Float32Array[] {
  const random = createRandom(seed);
  // Noise of norm ≈ 1.3 against a unit topic gives cosine ≈ 0.6 to the topic.
  const sigma = 1.3 / Math.sqrt(DIMS);
  return Array.from({ length: count }, () => {
    const topic = topics[Math.floor(random() * topics.length)]!;
    return unit(topic.map((x) => x + sigma * gaussian(random)));
  });
}

/** Exact top-k (cosine) of each query among `pool` rows of `vectors`, by matrix products. */
function exactNeighbours(vectors: Float32Array[], pool: number[], queries: Float32Array[]): number[][] {
  const flat = new Float32Array(pool.length * DIMS);
  pool.forEach((row, i) => flat.set(vectors[row]!, i * DIMS));
  return tf.tidy(() => {
    const base = tf.tensor2d(flat, [pool.length, DIMS]);
    const q = tf.tensor2d(new Float32Array(queries.flatMap((v) => [...v])), [queries.length, DIMS]);
    const { indices } = tf.topk(tf.matMul(q, base, false, true), K);
    return (indices.arraySync() as number[][]).map((row) => row.map((i) => pool[i]!));
  });
}

async function seed(db: Db, vectors: Float32Array[], labeled: Set<number>): Promise<{ projectId: number; sampleIds: number[]; labelId: number }> {
  const user = await insertUser(db, { email: `bench-${randomBytes(4).toString('hex')}@example.test`, name: 'Bench', passwordHash: 'x' });
  const project = await insertProject(db, { name: 'kNN bench', dataType: 'text', createdBy: user.id, labels: [{ name: 'rare', shortcut: null }] });
  const labelId = (await listLabels(db, project.id))[0]!.id;
  const batch = await insertImportBatch(db, { projectId: project.id, createdBy: user.id, fileName: 'bench', format: 'csv', rowCount: vectors.length });
  const sampleIds: number[] = [];
  for (let start = 0; start < vectors.length; start += 1000) {
    const chunk = vectors.slice(start, start + 1000);
    const ids = await insertSamples(db, project.id, batch, chunk.map((_, i) => ({ text: `s${start + i}`, metadata: {}, contentHash: `bench-${start + i}` })));
    await upsertEmbeddings(db, ids.map((sampleId, i) => ({ sampleId, projectId: project.id, encoder: ENCODER, vector: chunk[i]! })));
    sampleIds.push(...ids);
    if ((start / 1000) % 20 === 19) console.error(`  inserted ${start + chunk.length} vectors`);
  }
  await db.transaction().execute(async (trx) => {
    for (const row of labeled) await resolveByReview(trx, { projectId: project.id, sampleId: sampleIds[row]!, labelId, reviewerId: user.id });
  });
  // As the embed job does after a large import.
  await analyzeEmbeddings(db);
  return { projectId: project.id, sampleIds, labelId };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

async function measure(db: Db, input: { projectId: number; sampleIds: number[]; queries: Float32Array[]; exact: number[][]; filter: NeighbourFilter }) {
  const times: number[] = [];
  let hits = 0;
  let returned = 0;
  const rowOf = new Map(input.sampleIds.map((id, row) => [id, row]));
  for (const [q, query] of input.queries.entries()) {
    const started = performance.now();
    const found = await findSimilarSamples(db, { projectId: input.projectId, encoder: ENCODER, vector: query, k: K, filter: input.filter });
    times.push(performance.now() - started);
    const truth = new Set(input.exact[q]);
    hits += found.filter((f) => truth.has(rowOf.get(f.sampleId)!)).length;
    returned += found.length;
  }
  times.sort((a, b) => a - b);
  return { p50Ms: percentile(times, 0.5), p99Ms: percentile(times, 0.99), recallAt10: hits / (K * input.queries.length), meanReturned: returned / input.queries.length };
}

/** Runs the benchmark on each backend and prints one JSON line per (backend, filter). */
export async function runKnnBench(options: { rows: number; queries: number; backends: ('postgres' | 'pglite')[] }): Promise<void> {
  await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
  const random = createRandom(42);
  const topics = Array.from({ length: TOPICS }, () => unit(Float32Array.from({ length: DIMS }, () => gaussian(random))));
  const vectors = clusteredVectors(options.rows, 1, topics);
  const queries = clusteredVectors(options.queries, 2, topics);
  const labeled = new Set(vectors.flatMap((_, i) => (random() < 0.05 ? [i] : [])));
  const all = vectors.map((_, i) => i);
  const exactAny = exactNeighbours(vectors, all, queries);
  const exactLabel = exactNeighbours(vectors, [...labeled], queries);
  for (const backend of options.backends) {
    const adminUrl = backend === 'postgres' ? process.env.DATABASE_URL : undefined;
    if (backend === 'postgres' && !adminUrl) {
      console.log(JSON.stringify({ backend, skipped: 'DATABASE_URL is not set' }));
      continue;
    }
    const handle = await createScratchDatabase({ adminUrl, name: `sift_bench_knn_${randomBytes(4).toString('hex')}` });
    try {
      const started = performance.now();
      const seeded = await seed(handle.db, vectors, labeled);
      const loadS = (performance.now() - started) / 1000;
      for (const [name, filter, exact] of [['none', { kind: 'any' }, exactAny], ['label (5% of rows)', { kind: 'label', labelId: seeded.labelId }, exactLabel]] as const) {
        const figures = await measure(handle.db, { ...seeded, queries, exact, filter });
        console.log(JSON.stringify({ backend, rows: options.rows, filter: name, loadS: Number(loadS.toFixed(1)), ...roundAll(figures) }));
      }
    } finally {
      await handle.close();
    }
  }
}

function roundAll(figures: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(figures).map(([k, v]) => [k, Number(v.toFixed(3))]));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, queries: { type: 'string', default: '200' }, backends: { type: 'string', default: 'postgres,pglite' } } });
  await runKnnBench({ rows: Number(values.rows), queries: Number(values.queries), backends: values.backends.split(',') as ('postgres' | 'pglite')[] });
  process.exit(0);
}
