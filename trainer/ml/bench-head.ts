/**
 * Benchmarks the head on banking77: `node --import tsx trainer/ml/bench-head.ts [--al] [--cache-only]`.
 * Prints plain `key: value` lines. Embeddings come from the text encoder once and are cached in
 * /tmp/sift-bench-cache (raw little-endian Float32, one file per split); without the encoder, only
 * the lexical figures are printed.
 */
import { parse } from 'csv-parse/sync';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initTensorBackend } from './backend.ts';
import { crossValidatedProba } from './evaluate.ts';
import { fitHead, shuffleInPlace, type Features } from './head.ts';
import { createRandom } from './head-fit.ts';
import { fitLexical, type LexicalModel } from './lexical.ts';
import { computeMetrics } from './metrics.ts';
import { rankPool, type Strategy } from './strategies.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DATA_DIR = path.resolve(ROOT, process.env.SIFT_SHARED_DIR ?? '../shared', 'datasets/banking77');
const CACHE_DIR = '/tmp/sift-bench-cache';
const SUBSET = 5000;
const AL = { initialPerClass: 2, batch: 100, budget: 4000, seeds: 3, target: 0.95 };

interface Split {
  texts: string[];
  labels: number[];
  dense?: Float32Array[];
}

function readSplit(name: 'train' | 'test', classes: Map<string, number>): Split {
  const rows = parse(readFileSync(path.join(DATA_DIR, `${name}.csv`)), { columns: true }) as { text: string; category: string }[];
  for (const row of rows) if (!classes.has(row.category)) classes.set(row.category, classes.size);
  return { texts: rows.map((r) => r.text), labels: rows.map((r) => classes.get(r.category)!) };
}

/** Cached embeddings of `texts`, keyed by encoder name and a hash of the texts, or undefined. */
function readCache(key: string, texts: string[]): Float32Array[] | undefined {
  const file = cacheFile(key, texts);
  if (!existsSync(file)) return undefined;
  const bytes = readFileSync(file);
  const flat = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const dims = flat.length / texts.length;
  return texts.map((_, i) => flat.slice(i * dims, (i + 1) * dims));
}

function cacheFile(key: string, texts: string[]): string {
  const digest = createHash('sha256').update(texts.join('\n')).digest('hex').slice(0, 16);
  return path.join(CACHE_DIR, `banking77-${key}-${digest}.f32`);
}

/** Embeds with the project's text encoder (if it exists) and caches the vectors. */
async function embedWithEncoder(splits: Split[]): Promise<string | undefined> {
  const encoderPath = './encoders/text-encoder.ts';
  if (!existsSync(fileURLToPath(new URL(encoderPath, import.meta.url)))) return undefined;
  const { loadTextEncoder } = (await import(encoderPath)) as { loadTextEncoder(): Promise<{ name: string; embed(t: string[]): Promise<Float32Array[]>; dispose?(): void }> };
  const encoder = await loadTextEncoder();
  mkdirSync(CACHE_DIR, { recursive: true });
  for (const split of splits) {
    split.dense = readCache(encoder.name, split.texts);
    if (split.dense) continue;
    const started = performance.now();
    split.dense = await encoder.embed(split.texts);
    console.error(`embedded ${split.texts.length} texts in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    const flat = new Float32Array(split.dense.length * split.dense[0]!.length);
    split.dense.forEach((row, i) => flat.set(row, i * row.length));
    writeFileSync(cacheFile(encoder.name, split.texts), new Uint8Array(flat.buffer));
  }
  encoder.dispose?.();
  return encoder.name;
}

function features(split: Split, indices: number[] | undefined, channels: { dense: boolean; lexical: boolean }): Features {
  const pick = <T>(items: T[]) => (indices ? indices.map((i) => items[i]!) : items);
  const dense = channels.dense && split.dense ? pick(split.dense) : pick(split.labels).map(() => new Float32Array(0));
  return { dense, texts: channels.lexical ? pick(split.texts) : undefined };
}

async function reportFullData(train: Split, test: Split, lexical: LexicalModel, numClasses: number): Promise<number> {
  const variants = [
    { name: '', dense: true, lexical: true },
    { name: '_lexical_only', dense: false, lexical: true },
    { name: '_dense_only', dense: true, lexical: false },
  ].filter((v) => train.dense || !v.dense);
  let headline = 0;
  for (const variant of variants) {
    const fit = await fitHead(features(train, undefined, variant), train.labels, numClasses, { lexical });
    const metrics = computeMetrics(test.labels, fit.head.predictProba(features(test, undefined, variant)), numClasses);
    const name = variant.name || (train.dense ? '' : '_lexical_only');
    console.log(`full_data_accuracy${name}: ${metrics.accuracy.toFixed(4)}`);
    console.log(`full_data_macro_f1${name}: ${metrics.macroF1.toFixed(4)}`);
    console.log(`full_data_ece${name}: ${metrics.ece.toFixed(4)}`);
    console.log(`full_data_fit_s${name}: ${(fit.ms / 1000).toFixed(2)} (l2 ${fit.l2.toExponential(2)}, ${fit.iterations} iterations)`);
    if (!headline) headline = metrics.accuracy;
  }
  return headline;
}

/** Fit with L2 selection plus 5-fold out-of-fold probabilities on SUBSET random training labels. */
async function reportTrainEval(train: Split, lexical: LexicalModel, numClasses: number): Promise<void> {
  const indices = shuffleInPlace(train.labels.map((_, i) => i), createRandom(5)).slice(0, SUBSET);
  const subset = features(train, indices, { dense: true, lexical: true });
  const labels = indices.map((i) => train.labels[i]!);
  const started = performance.now();
  const fit = await fitHead(subset, labels, numClasses, { lexical });
  const fitted = performance.now();
  const oof = await crossValidatedProba(subset, labels, numClasses, { lexical, l2: fit.l2, warmStart: fit.head, folds: 5 });
  const finished = performance.now();
  console.log(`train_eval_${SUBSET}_cold_s: ${((finished - started) / 1000).toFixed(2)}`);
  console.log(`train_eval_${SUBSET}_cold_fit_s: ${((fitted - started) / 1000).toFixed(2)} (l2 ${fit.l2.toExponential(2)}, final fit ${fit.iterations} iterations)`);
  console.log(`train_eval_${SUBSET}_cold_oof_s: ${((finished - fitted) / 1000).toFixed(2)}`);
  console.log(`train_eval_${SUBSET}_cold_oof_accuracy: ${computeMetrics(labels, oof, numClasses).accuracy.toFixed(4)}`);
}

/** Labels needed (mean over seeds of the first curve point) to reach `target` accuracy, per strategy. */
async function reportActiveLearning(train: Split, test: Split, lexical: LexicalModel, numClasses: number, full: number): Promise<void> {
  const target = AL.target * full;
  const results: Partial<Record<Strategy, number[]>> = {};
  for (const strategy of ['margin', 'random'] as const) {
    for (let seed = 0; seed < AL.seeds; seed += 1) {
      const reached = await runActiveLearning(train, test, lexical, numClasses, strategy, seed, target);
      (results[strategy] ??= []).push(reached);
      console.error(`al ${strategy} seed ${seed}: ${reached} labels`);
    }
  }
  const mean = (values: number[] = []) => values.reduce((s, v) => s + v, 0) / values.length;
  console.log(`labels_to_95pct_target_accuracy: ${target.toFixed(4)}`);
  console.log(`labels_to_95pct_margin: ${mean(results.margin).toFixed(0)}`);
  console.log(`labels_to_95pct_random: ${mean(results.random).toFixed(0)}`);
  console.log(`labels_to_95pct_ratio: ${(mean(results.margin) / mean(results.random)).toFixed(2)}`);
}

async function runActiveLearning(train: Split, test: Split, lexical: LexicalModel, numClasses: number, strategy: Strategy, seed: number, target: number): Promise<number> {
  const random = createRandom(seed + 100);
  const taken = new Map<number, number>();
  const labeled = shuffleInPlace(train.labels.map((_, i) => i), random).filter((i) => {
    const count = taken.get(train.labels[i]!) ?? 0;
    taken.set(train.labels[i]!, count + 1);
    return count < AL.initialPerClass;
  });
  const channels = { dense: true, lexical: true };
  const testFeatures = features(test, undefined, channels);
  let head;
  while (labeled.length <= AL.budget) {
    const fit = await fitHead(features(train, labeled, channels), labeled.map((i) => train.labels[i]!), numClasses, { lexical, warmStart: head, seed });
    head = fit.head;
    const accuracy = computeMetrics(test.labels, head.predictProba(testFeatures), numClasses).accuracy;
    console.error(`al ${strategy} seed ${seed}: ${labeled.length} labels → accuracy ${accuracy.toFixed(4)}`);
    if (accuracy >= target) return labeled.length;
    const inLabeled = new Set(labeled);
    const pool = train.labels.map((_, i) => i).filter((i) => !inLabeled.has(i));
    const proba = strategy === 'random' ? undefined : head.predictProba(features(train, pool, channels));
    const embeddings = pool.map((i) => train.dense?.[i] ?? new Float32Array(0));
    const order = rankPool(strategy, { proba, embeddings, batchSize: AL.batch, seed: seed * 1000 + labeled.length });
    labeled.push(...order.slice(0, AL.batch).map((k) => pool[k]!));
  }
  return Number.POSITIVE_INFINITY;
}

async function runBenchmark(): Promise<void> {
  const args = new Set(process.argv.slice(2));
  const status = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => {} });
  console.log(`backend: ${status.backend}${status.detail ? ` (${status.detail})` : ''}`);
  const classes = new Map<string, number>();
  const train = readSplit('train', classes);
  const test = readSplit('test', classes);
  const encoder = await embedWithEncoder([train, test]);
  console.log(`dense_encoder: ${encoder ?? 'none (lexical channel only)'}`);
  if (args.has('--cache-only')) return;
  const lexical = fitLexical([...train.texts, ...test.texts]);
  const full = await reportFullData(train, test, lexical, classes.size);
  await reportTrainEval(train, lexical, classes.size);
  if (args.has('--al')) await reportActiveLearning(train, test, lexical, classes.size, full);
}

await runBenchmark();
process.exit(0);
