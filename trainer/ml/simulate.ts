import { fitHead, type Features, type Head } from './head.ts';
import { fitLexical } from './lexical.ts';
import { computeMetrics } from './metrics.ts';
import { rankPool, type Strategy } from './strategies.ts';
import { createRandom } from './random.ts';

// The generator lives in random.ts (pure); imported from here by older callers.
export { createRandom };

/** A labeled split for simulation: dense vectors, texts (text data), class indices. */
export interface SimulationSplit {
  dense: Float32Array[];
  texts?: string[];
  labels: number[];
}

export interface CurvePoint {
  labels: number;
  accuracy: number;
  macroF1: number;
}

export interface SimulationOptions {
  strategies: Strategy[];
  initial: number;
  batch: number;
  budget: number;
  seeds: number;
  onProgress?: (line: string) => void;
}

export interface SimulationReport {
  fullDataAccuracy: number;
  fullDataMacroF1: number;
  strategies: Record<string, { curve: CurvePoint[] }>;
  labelsToReach95: Record<string, number | null>;
}

/**
 * "How many labels will it take?": replays active learning on a labeled pool with the real head,
 * strategies and metrics, against a test split, per strategy and seed; curves are seed averages.
 */
export async function simulate(train: SimulationSplit, test: SimulationSplit, numClasses: number, options: SimulationOptions): Promise<SimulationReport> {
  const lexical = train.texts ? fitLexical([...train.texts, ...(test.texts ?? [])]) : undefined;
  const testFeatures: Features = { dense: test.dense, texts: test.texts };
  const evaluate: Evaluate = async (indices) => {
    const fit = await fitHead(subset(train, indices), indices.map((i) => train.labels[i]!), numClasses, { lexical, seed: 1 });
    return { head: fit.head, metrics: computeMetrics(test.labels, fit.head.predictProba(testFeatures), numClasses) };
  };
  const { metrics: full } = await evaluate(train.labels.map((_, i) => i));
  options.onProgress?.(`full data (${train.labels.length} labels): accuracy ${full.accuracy.toFixed(3)}`);

  const strategies: SimulationReport['strategies'] = {};
  const labelsToReach95: SimulationReport['labelsToReach95'] = {};
  for (const strategy of options.strategies) {
    const runs: CurvePoint[][] = [];
    for (let seed = 0; seed < options.seeds; seed += 1) {
      runs.push(await runOne(train, strategy, seed, options, evaluate));
    }
    const curve = averageCurves(runs);
    strategies[strategy] = { curve };
    const target = 0.95 * full.accuracy;
    labelsToReach95[strategy] = curve.find((p) => p.accuracy >= target)?.labels ?? null;
  }
  return { fullDataAccuracy: full.accuracy, fullDataMacroF1: full.macroF1, strategies, labelsToReach95 };
}

function subset(split: SimulationSplit, indices: number[]): Features {
  return { dense: indices.map((i) => split.dense[i]!), texts: split.texts ? indices.map((i) => split.texts![i]!) : undefined };
}

type Evaluate = (indices: number[]) => Promise<{ head: Head; metrics: { accuracy: number; macroF1: number } }>;

/** One seed of one strategy: label `initial` at random, then `batch` at a time as the strategy picks. */
async function runOne(train: SimulationSplit, strategy: Strategy, seed: number, options: SimulationOptions, evaluate: Evaluate): Promise<CurvePoint[]> {
  const random = createRandom(seed + 1);
  const order = shuffle(train.labels.map((_, i) => i), random);
  const labeled = order.slice(0, Math.min(options.initial, order.length));
  const inPool = new Set(order.slice(labeled.length));
  const curve: CurvePoint[] = [];
  for (;;) {
    const { head, metrics } = await evaluate(labeled);
    curve.push({ labels: labeled.length, accuracy: metrics.accuracy, macroF1: metrics.macroF1 });
    options.onProgress?.(`${strategy} seed ${seed}: ${labeled.length} labels → accuracy ${metrics.accuracy.toFixed(3)}`);
    if (labeled.length >= options.budget || inPool.size === 0) return curve;
    const pool = [...inPool];
    const take = Math.min(options.batch, options.budget - labeled.length, pool.length);
    let picked: number[];
    if (strategy === 'random') {
      picked = rankPool('random', { embeddings: pool.map((i) => train.dense[i]!), batchSize: take, seed: seed * 7919 + labeled.length }).slice(0, take);
    } else {
      const proba = head.predictProba(subset(train, pool));
      picked = rankPool(strategy, { proba, embeddings: pool.map((i) => train.dense[i]!), batchSize: take, seed }).slice(0, take);
    }
    for (const p of picked) {
      labeled.push(pool[p]!);
      inPool.delete(pool[p]!);
    }
  }
}

/** Fisher–Yates, in place. */
export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

function averageCurves(runs: CurvePoint[][]): CurvePoint[] {
  const length = Math.min(...runs.map((r) => r.length));
  return Array.from({ length }, (_, i) => ({
    labels: runs[0]![i]!.labels,
    accuracy: runs.reduce((s, r) => s + r[i]!.accuracy, 0) / runs.length,
    macroF1: runs.reduce((s, r) => s + r[i]!.macroF1, 0) / runs.length,
  }));
}
