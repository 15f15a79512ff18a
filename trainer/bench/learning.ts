/**
 * `npm run bench:learning`: the learning loop on ../shared/datasets/banking77 (train = pool,
 * test = test): full-data accuracy, margin vs random active learning, time to train and evaluate
 * a version on 5,000 labels. Prints plain `name: value` lines. Pass `--quick` for one seed and a
 * small budget (a smoke run), `--no-al` to skip the active-learning comparison.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTensorBackend } from '../ml/backend.ts';
import { simulate, createRandom, shuffle } from '../ml/simulate.ts';
import { trainVersion, type Example } from '../ml/train-version.ts';
import { readDataset } from '../cli/dataset.ts';
import { embedRows } from '../cli/embed-rows.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const datasets = path.join(root, '..', 'shared', 'datasets', 'banking77');
const quick = process.argv.includes('--quick');
const skipAl = process.argv.includes('--no-al');

const tensor = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
console.log(`backend: ${tensor.backend}`);
const spec = { textField: 'text', labelField: 'category' };
const train = readDataset({ file: path.join(datasets, 'train.csv'), ...spec }).rows;
const test = readDataset({ file: path.join(datasets, 'test.csv'), ...spec }).rows;
const classes = [...new Set(train.map((r) => r.label))].sort();
const classOf = new Map(classes.map((c, i) => [c, i]));
const embedded = await embedRows([...train, ...test], 'text', { cacheDir: path.join(root, '.sift', 'cache') });
const split = (rows: typeof train, offset: number) => ({
  dense: rows.map((_, i) => embedded.vectors[offset + i]!),
  texts: rows.map((r) => r.input as string),
  labels: rows.map((r) => classOf.get(r.label)!),
});
const pool = split(train, 0);
const testSplit = split(test, train.length);

// Time to train + evaluate a version with 5,000 labels (held-out split, L2 selection, 5-fold OOF),
// with the rest of the training file as the unlabeled pool, as the trainer sees a project.
// Cold: the first version (or the first after a trainer restart). Steady state: the version after
// one at 4,990 labels, which is what a project retraining every 10 labels pays at 5,000.
const random = createRandom(7);
const order = shuffle(pool.labels.map((_, i) => i), random);
const examplesWith = (count: number): Example[] => {
  const labeledIdx = new Set(order.slice(0, count));
  return pool.labels.map((label, i) => ({
    key: train[i]!.input as string,
    vector: pool.dense[i]!,
    text: pool.texts[i]!,
    label: labeledIdx.has(i) ? label : null,
  }));
};
const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await run();
  return [result, (performance.now() - started) / 1000];
};
const [cold, coldS] = await timed(() => trainVersion(examplesWith(5000), classes.length, { kind: 'softmax', seed: 1 }));
console.log(`train_eval_5000_cold_s: ${coldS.toFixed(2)}`);
console.log(`train_eval_5000_cold_heldout_accuracy: ${cold.metrics.evaluation?.accuracy.value.toFixed(3)}`);
console.log(`train_eval_5000_cold_cv_accuracy: ${cold.metrics.crossValidation.accuracy.toFixed(3)}`);
const before = await trainVersion(examplesWith(4990), classes.length, { kind: 'softmax', seed: 1 });
const [steady, steadyS] = await timed(() =>
  trainVersion(examplesWith(5000), classes.length, { kind: 'softmax', seed: 1, previous: before.warmState }),
);
console.log(`train_eval_5000_s: ${steadyS.toFixed(2)} (after a version at 4,990 labels; L2 ${steady.metrics.l2Choice})`);
console.log(`train_eval_5000_heldout_accuracy: ${steady.metrics.evaluation?.accuracy.value.toFixed(3)}`);
console.log(`train_eval_5000_cv_accuracy: ${steady.metrics.crossValidation.accuracy.toFixed(3)}`);

const report = await simulate(pool, testSplit, classes.length, {
  strategies: skipAl ? [] : ['random', 'margin'],
  initial: 2 * classes.length,
  batch: 100,
  budget: quick ? 600 : 4000,
  seeds: quick ? 1 : 3,
  onProgress: (line) => console.error(line),
});
console.log(`full_data_accuracy: ${report.fullDataAccuracy.toFixed(3)}`);
console.log(`full_data_macro_f1: ${report.fullDataMacroF1.toFixed(3)}`);
if (!skipAl) {
  const margin = report.labelsToReach95.margin;
  const rand = report.labelsToReach95.random;
  console.log(`labels_to_95pct_margin: ${margin ?? 'not reached'}`);
  console.log(`labels_to_95pct_random: ${rand ?? 'not reached'}`);
  if (margin && rand) console.log(`ratio_margin_random: ${(margin / rand).toFixed(2)}`);
  for (const [name, { curve }] of Object.entries(report.strategies)) {
    console.log(`curve_${name}: ${curve.map((p) => `${p.labels}:${p.accuracy.toFixed(3)}`).join(' ')}`);
  }
}
