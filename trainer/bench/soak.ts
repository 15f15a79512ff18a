/**
 * `npm run bench:soak`: does the trainer's memory stay flat over hundreds of model versions?
 *
 * Runs the trainer's own train processor (fit, evaluate, promote, write the version, score the
 * pool, suspects, rare classes, map: everything a version does) against a scratch database on
 * real PostgreSQL (DATABASE_URL), with banking77's 10,003 training texts as one project's pool.
 * Labels grow linearly from --start to --end over --versions versions, labeled in a seeded
 * random order (the labels are banking77's own). After each version it prints the process's
 * RSS, V8 heap used, the SIMD arenas' and TF.js wasm's WebAssembly memory and the live tensors,
 * read after a forced garbage collection (run with --expose-gc, as the npm script does).
 * `--projects N` trains N projects in turn (each its own copy of the pool), the trainer's case
 * with several active teams. Ends with a summary and a JSON line.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { createScratchDatabase } from '#db/scratch.ts';
import { upsertAnnotation } from '#db/annotations.ts';
import { upsertEmbeddings } from '#db/embeddings.ts';
import { listLabels } from '#db/labels.ts';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSampleRows } from '#db/samples.ts';
import { insertUser } from '#db/users.ts';
import { initTensorBackend } from '../ml/backend.ts';
import { memorySnapshot, type MemorySnapshot } from '../ml/memory.ts';
import { createRandom, shuffle } from '../ml/simulate.ts';
import { createTrainProcessor, WarmStates, WARM_PROJECTS, WARM_STATE_BYTES } from '../jobs/train.processor.ts';
import { createEventBus } from '../jobs/events.ts';
import { createJobSystem } from '../jobs/queue.ts';
import { createEncoderPool } from '../encoder-pool.ts';
import { TEXT_ENCODER_NAME } from '../ml/encoders/text-encoder.ts';
import { readDataset } from '../cli/dataset.ts';
import { embedRows } from '../cli/embed-rows.ts';
import { DiskEmbeddingCache } from '../cli/embedding-cache.ts';

const { values } = parseArgs({
  options: {
    versions: { type: 'string', default: '500' },
    start: { type: 'string', default: '100' },
    end: { type: 'string', default: '10000' },
    projects: { type: 'string', default: '1' },
    every: { type: 'string', default: '1' },
  },
});
const VERSIONS = Number(values.versions);
const START = Number(values.start);
const END = Number(values.end);
const PROJECTS = Number(values.projects);
const PRINT_EVERY = Number(values.every);
/** Versions before the baseline: caches, pools and the JIT fill up first. */
const WARM_UP = 20;
const MB = 1024 * 1024;

if (!process.env.DATABASE_URL) throw new Error('bench:soak needs DATABASE_URL (real PostgreSQL with pgvector), as bench:load does');
for (const [name, n] of Object.entries({ VERSIONS, START, END, PROJECTS, PRINT_EVERY })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name.toLowerCase()} must be a positive whole number`);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) console.error('warning: run with --expose-gc (npm run bench:soak does) to read memory after a full collection');

const root = fileURLToPath(new URL('../..', import.meta.url));
const rows = readDataset({ file: path.join(root, '..', 'shared', 'datasets', 'banking77', 'train.csv'), textField: 'text', labelField: 'category' }).rows;
if (END > rows.length) throw new Error(`--end ${END} exceeds the pool of ${rows.length} texts`);
const tensor = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
const embedded = await embedRows(rows, 'text', { cacheDir: path.join(root, '.sift', 'cache') });
const classes = [...new Set(rows.map((r) => r.label))].sort();

const database = await createScratchDatabase({ adminUrl: process.env.DATABASE_URL, name: `sift_bench_soak_${randomBytes(4).toString('hex')}` });
const { db } = database;
const prefix = `soak_${randomBytes(4).toString('hex')}`;
const jobs = createJobSystem({ redisUrl: process.env.REDIS_URL, databaseUrl: database.connectionString, embedded: false, prefix });
const bus = await createEventBus({ prefix });
const encoders = createEncoderPool({});
const warmStates = new WarmStates(WARM_PROJECTS, WARM_STATE_BYTES);
const train = createTrainProcessor({ db, bus, jobs, encoders, backend: () => tensor.backend, warmStates });

const owner = await insertUser(db, { email: 'soak@bench.test', name: 'Soak', passwordHash: 'x' });
const projects = [];
for (let p = 0; p < PROJECTS; p += 1) projects.push(await createProject(db, p));

console.log(`${tensor.backend}; ${PROJECTS} project(s) of ${rows.length} texts, ${classes.length} classes; labels ${START} → ${END} over ${VERSIONS} versions per project`);
console.log('version  project  labels   RSS MB  heap MB  arena lent/idle MB  tf wasm MB  warm MB  tensors  train s');
const readings: { version: number; labels: number; memory: MemorySnapshot; warmBytes: number; seconds: number }[] = [];
let version = 0;
for (let round = 0; round < VERSIONS; round += 1) {
  const target = Math.round(START + ((END - START) * round) / Math.max(1, VERSIONS - 1));
  for (const project of projects) {
    await labelUpTo(db, project, target);
    const started = performance.now();
    await train({ id: `soak-${version}`, data: { projectId: project.id, triggeredAt: new Date().toISOString() } } as Job);
    const seconds = (performance.now() - started) / 1000;
    version += 1;
    gc?.();
    const memory = memorySnapshot();
    const warmBytes = warmStates.bytes();
    readings.push({ version, labels: target, memory, warmBytes, seconds });
    if (version % PRINT_EVERY === 0 || round === VERSIONS - 1) printRow(version, project.index, target, memory, warmBytes, seconds);
  }
}
summarize();
await jobs.close();
await bus.close();
await database.close();
process.exit(0);

interface SoakProject {
  index: number;
  id: number;
  sampleIds: number[];
  labelIds: number[];
  order: number[];
  labeled: number;
}

/** One project holding the whole pool, embedded with the cached vectors. */
async function createProject(database: Db, index: number): Promise<SoakProject> {
  const project = await insertProject(database, { name: `Soak ${index + 1}`, dataType: 'text', createdBy: owner.id, labels: classes.map((name) => ({ name, shortcut: null })) });
  const batch = await insertImportBatch(database, { projectId: project.id, createdBy: owner.id, fileName: 'train.csv', format: 'csv', rowCount: rows.length });
  const inserted = await insertSampleRows(
    database,
    project.id,
    batch,
    rows.map((r) => ({ text: r.input as string, metadata: {}, contentHash: DiskEmbeddingCache.keyOf(r.input) })),
  );
  const idOf = new Map(inserted.map((r) => [r.contentHash, r.id]));
  // Duplicate texts in the file share one sample: the first row's label is the one used.
  const sampleIds = rows.map((r) => idOf.get(DiskEmbeddingCache.keyOf(r.input)) ?? -1);
  for (let start = 0; start < rows.length; start += 500) {
    const chunk = rows.slice(start, start + 500).flatMap((_, k) => (sampleIds[start + k]! > 0 ? [start + k] : []));
    await upsertEmbeddings(database, chunk.map((i) => ({ sampleId: sampleIds[i]!, projectId: project.id, encoder: TEXT_ENCODER_NAME, vector: embedded.vectors[i]! })));
  }
  const labelIdOf = new Map((await listLabels(database, project.id)).map((l) => [l.name, l.id]));
  const seen = new Set<number>();
  const order = shuffle(rows.map((_, i) => i), createRandom(1000 + index)).filter((i) => {
    const id = sampleIds[i]!;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  return { index, id: project.id, sampleIds, labelIds: rows.map((r) => labelIdOf.get(r.label)!), order, labeled: 0 };
}

/** Labels the project's next samples (one annotator, overlap 1) until it has `target` labels. */
async function labelUpTo(database: Db, project: SoakProject, target: number): Promise<void> {
  const next = project.order.slice(project.labeled, target);
  await database.transaction().execute(async (trx) => {
    for (const i of next) {
      await upsertAnnotation(trx, { projectId: project.id, sampleId: project.sampleIds[i]!, userId: owner.id, labelId: project.labelIds[i]!, durationMs: 1000, overlap: 1 });
    }
  });
  project.labeled = Math.max(project.labeled, target);
}

function printRow(n: number, projectIndex: number, labels: number, m: MemorySnapshot, warmBytes: number, seconds: number): void {
  const mb = (bytes: number) => (bytes / MB).toFixed(0);
  console.log(
    `${String(n).padStart(7)}  ${String(projectIndex + 1).padStart(7)}  ${String(labels).padStart(6)}  ${mb(m.rssBytes).padStart(7)}  ${mb(m.heapUsedBytes).padStart(7)}  ${`${mb(m.arenaLentBytes)}/${mb(m.arenaIdleBytes)}`.padStart(18)}  ${mb(m.tfWasmBytes).padStart(10)}  ${mb(warmBytes).padStart(7)}  ${String(m.tensors).padStart(7)}  ${seconds.toFixed(1).padStart(7)}`,
  );
}

/** Growth after the warm-up, the least-squares trend, and the peak. */
function summarize(): void {
  const after = readings.filter((r) => r.version > WARM_UP * PROJECTS);
  const baseline = readings[WARM_UP * PROJECTS - 1] ?? readings[0]!;
  const rss = after.map((r) => r.memory.rssBytes / MB);
  const growth = rss.length ? Math.max(...rss) - baseline.memory.rssBytes / MB : 0;
  const slope = trend(after.map((r) => r.version), rss);
  const peakMb = process.resourceUsage().maxRSS / 1024;
  const byLabels = (labels: number) => readings.filter((r) => r.labels >= labels)[0];
  const summary = {
    bench: 'soak',
    backend: tensor.backend,
    projects: PROJECTS,
    versions: readings.length,
    labels: { start: START, end: END },
    baselineVersion: baseline.version,
    baselineRssMb: Math.round(baseline.memory.rssBytes / MB),
    maxRssAfterBaselineMb: Math.round(Math.max(...rss, 0)),
    growthAfterBaselineMb: Math.round(growth),
    trendMbPer100Versions: Number((slope * 100).toFixed(1)),
    finalRssMb: Math.round(readings.at(-1)!.memory.rssBytes / MB),
    peakRssMb: Math.round(peakMb),
    heapUsedMb: { baseline: Math.round(baseline.memory.heapUsedBytes / MB), final: Math.round(readings.at(-1)!.memory.heapUsedBytes / MB) },
    tensors: { baseline: baseline.memory.tensors, final: readings.at(-1)!.memory.tensors },
    tfWasmMb: Math.round(readings.at(-1)!.memory.tfWasmBytes / MB),
    arenaIdleMb: Math.round(readings.at(-1)!.memory.arenaIdleBytes / MB),
    warmStateMb: Math.round(readings.at(-1)!.warmBytes / MB),
    trainSeconds: { at1000: byLabels(1000)?.seconds, at5000: byLabels(5000)?.seconds, final: readings.at(-1)!.seconds },
  };
  console.log(`after version ${summary.baselineVersion} (RSS ${summary.baselineRssMb} MB): max ${summary.maxRssAfterBaselineMb} MB, growth ${summary.growthAfterBaselineMb} MB, trend ${summary.trendMbPer100Versions} MB per 100 versions; peak RSS ${summary.peakRssMb} MB`);
  console.log(JSON.stringify(summary));
}

/** Least-squares slope of y on x. */
function trend(x: number[], y: number[]): number {
  if (x.length < 2) return 0;
  const mx = x.reduce((a, b) => a + b, 0) / x.length;
  const my = y.reduce((a, b) => a + b, 0) / y.length;
  let num = 0;
  let den = 0;
  x.forEach((xi, i) => {
    num += (xi - mx) * (y[i]! - my);
    den += (xi - mx) ** 2;
  });
  return den === 0 ? 0 : num / den;
}
