/**
 * `npm run bench:quality`: how well Sift finds wrong labels. On ../shared/datasets/banking77
 * train.csv, 5% of labels are flipped uniformly at random to another class, and `sift audit`'s
 * pipeline (auditLabels) ranks every row: precision and recall of the flagged rows, and recall
 * within the top k of the ranking for k = the number of flips, per seed and averaged over seeds.
 * Then kNN latency and recall@10 through the platform's similarity query (see knn.ts). Prints plain
 * `name: value` / JSON lines. `--quick`: one seed and 10,000 vectors; `--only=mislabels|knn`: one section.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { auditLabels } from '../cli/audit.ts';
import { readDataset, type LabeledRow } from '../cli/dataset.ts';
import { embedRows } from '../cli/embed-rows.ts';
import { initTensorBackend } from '../ml/backend.ts';
import { createRandom } from '../ml/simulate.ts';
import { runKnnBench } from './knn.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const banking77 = path.join(root, '..', 'shared', 'datasets', 'banking77');
const quick = process.argv.includes('--quick');
const FLIP_FRACTION = 0.05;

interface Banking77 {
  rows: LabeledRow[];
  classes: string[];
  labels: number[];
  vectors: Float32Array[];
}

async function loadBanking77Train(): Promise<Banking77> {
  const rows = readDataset({ file: path.join(banking77, 'train.csv'), textField: 'text', labelField: 'category' }).rows;
  const classes = [...new Set(rows.map((r) => r.label))].sort();
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const embedded = await embedRows(rows, 'text', { cacheDir: path.join(root, '.sift', 'cache') });
  return { rows, classes, labels: rows.map((r) => classOf.get(r.label)!), vectors: embedded.vectors };
}

/** Flips `fraction` of the labels, chosen uniformly, each to a uniformly chosen other class. */
function flipLabels(labels: number[], numClasses: number, fraction: number, seed: number): { noisy: number[]; flipped: Set<number> } {
  const random = createRandom(seed);
  const order = labels.map((_, i) => i);
  const count = Math.round(fraction * labels.length);
  // A partial Fisher–Yates shuffle: the first `count` entries are a uniform sample.
  for (let i = 0; i < count; i += 1) {
    const j = i + Math.floor(random() * (order.length - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const noisy = [...labels];
  for (const i of order.slice(0, count)) noisy[i] = (labels[i]! + 1 + Math.floor(random() * (numClasses - 1))) % numClasses;
  return { noisy, flipped: new Set(order.slice(0, count)) };
}

/** Mislabel detection: flagged precision/recall and top-k recall, per seed and mean. */
async function mislabelSection(data: Banking77): Promise<void> {
  const seeds = quick ? [1] : [1, 2, 3];
  const numClasses = data.classes.length;
  const texts = data.rows.map((r) => r.input as string);
  const flips = Math.round(FLIP_FRACTION * data.labels.length);
  console.log(`mislabels_data: banking77 train, ${data.labels.length} rows, ${numClasses} classes, ${flips} labels flipped (${FLIP_FRACTION * 100}%)`);
  // Banking77's own labels are not spotless, so some "false" flags are real errors in the file.
  console.log(`mislabels_random_topk_recall: ${(flips / data.labels.length).toFixed(3)} (a random order, for scale)`);
  const results: { precision: number; recall: number; topk: number; seconds: number }[] = [];
  for (const seed of seeds) {
    const { noisy, flipped } = flipLabels(data.labels, numClasses, FLIP_FRACTION, 1000 + seed);
    const started = performance.now();
    const audit = await auditLabels({ dense: data.vectors, texts }, noisy, numClasses, { seed, onProgress: (line) => console.error(line) });
    const seconds = (performance.now() - started) / 1000;
    const flagged = audit.suspects.filter((s) => s.flagged);
    const caught = flagged.filter((s) => flipped.has(s.index)).length;
    const topk = audit.suspects.slice(0, flipped.size).filter((s) => flipped.has(s.index)).length / flipped.size;
    const result = { precision: flagged.length ? caught / flagged.length : 0, recall: caught / flipped.size, topk, seconds };
    results.push(result);
    console.log(
      `mislabels_seed${seed}: precision ${result.precision.toFixed(3)}, recall ${result.recall.toFixed(3)}, top${flipped.size}_recall ${topk.toFixed(3)}, ` +
        `flagged ${flagged.length}, oof_accuracy ${audit.accuracy.toFixed(3)}, ${seconds.toFixed(1)} s`,
    );
  }
  const mean = (pick: (r: (typeof results)[number]) => number) => (results.reduce((sum, r) => sum + pick(r), 0) / results.length).toFixed(3);
  console.log(`mislabels_precision: ${mean((r) => r.precision)}`);
  console.log(`mislabels_recall: ${mean((r) => r.recall)}`);
  console.log(`mislabels_topk_recall: ${mean((r) => r.topk)}`);
  // Fit with L2 search, 5 out-of-fold fits and 10,003 × 10,003 exact neighbours, per seed.
  console.log(`mislabels_audit_s: ${(results.reduce((sum, r) => sum + r.seconds, 0) / results.length).toFixed(1)}`);
}

async function main(): Promise<void> {
  const tensor = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
  console.log(`backend: ${tensor.backend}`);
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (only !== 'knn') await mislabelSection(await loadBanking77Train());
  // kNN latency and recall on 100,000 vectors in real PostgreSQL (DATABASE_URL) and in PGlite.
  if (only !== 'mislabels') await runKnnBench({ rows: quick ? 10_000 : 100_000, queries: quick ? 50 : 200, backends: ['postgres', 'pglite'] });
}

await main();
process.exit(0);
