/**
 * Drift between production inputs and the project's pool, as a two-sample test on embeddings: the
 * squared maximum mean discrepancy (MMD², unbiased) with a Gaussian kernel whose width is the
 * median pairwise distance (the usual heuristic), and a permutation p-value: how often randomly
 * relabeling the pooled samples gives an MMD² at least as large. The reference is a random sample
 * of the imported pool (not the labeled samples, which the queue chose as hard cases), so traffic
 * that looks like the pool signals at rate alpha and no more.
 *
 * Beside it, label shift: the predicted labels of production against the pool's, by total
 * variation distance with a permutation p-value. Each test runs at alpha/2 (Bonferroni), so one
 * check signals at rate alpha; the alarm needs two checks in a row to signal (see
 * {@link driftAlarm}), which keeps repeated automatic checks from multiplying false alarms.
 */
import { createRandom } from './head-fit.ts';

export interface DriftTest {
  mmd2: number;
  pValue: number;
  /** p < alpha on its own (one test). */
  drifted: boolean;
  bandwidth: number;
  /** How many times larger the observed MMD² is than the (1 − alpha) quantile of the permutation MMD²s: below 1 is within chance. */
  effect: number;
  sizes: { production: number; training: number };
}

export const DRIFT_ALPHA = 0.01;
/** With each test at alpha/2 = 0.005, 200 permutations could only signal when none of them reached the observed value (p = 1/201); 1,000 resolve p to 0.001. */
const PERMUTATIONS = 1000;

/** Tests whether `production` and `training` embeddings come from the same distribution. */
export function testDrift(production: Float32Array[], training: Float32Array[], options: { seed?: number; permutations?: number; alpha?: number } = {}): DriftTest {
  const alpha = options.alpha ?? DRIFT_ALPHA;
  const pooled = [...production, ...training];
  const n = production.length;
  if (n < 2 || training.length < 2) throw new Error('drift needs at least two production and two training samples');
  const squared = pairwiseSquaredDistances(pooled);
  const bandwidth = Math.sqrt(median(squared.upper) / 2) || 1;
  const kernel = squared.matrix.map((d) => Math.exp(-d / (2 * bandwidth * bandwidth)));
  const size = pooled.length;
  const observed = mmd2(kernel, size, identity(size), n);
  const random = createRandom(options.seed ?? 1);
  const permutations = options.permutations ?? PERMUTATIONS;
  let atLeast = 0;
  const order = identity(size);
  const nulls: number[] = [];
  for (let p = 0; p < permutations; p += 1) {
    shuffle(order, random);
    const value = mmd2(kernel, size, order, n);
    nulls.push(value);
    if (value >= observed) atLeast += 1;
  }
  const pValue = (atLeast + 1) / (permutations + 1);
  nulls.sort((a, b) => a - b);
  const threshold = nulls[Math.min(nulls.length - 1, Math.floor((1 - alpha) * nulls.length))] ?? 0;
  const effect = threshold > 0 ? Math.max(0, observed) / threshold : observed > 0 ? Infinity : 0;
  return { mmd2: observed, pValue, drifted: pValue < alpha, bandwidth, effect, sizes: { production: n, training: training.length } };
}

/** Label shift between production's predicted labels and the pool's. */
export interface LabelShift {
  /** Total variation distance: the share of predictions that would have to change label to match the pool's mix. */
  distance: number;
  pValue: number;
  /** Per label id: its share in production and in the reference. */
  shares: { labelId: number; production: number; reference: number }[];
}

/**
 * Compares two samples of label ids by total variation distance, with a permutation p-value (the
 * labels pooled and dealt again at random): exact in small samples, where a chi-square test with
 * dozens of classes and a few hundred predictions is not.
 */
export function testLabelShift(production: number[], reference: number[], options: { seed?: number; permutations?: number } = {}): LabelShift {
  if (production.length === 0 || reference.length === 0) throw new Error('label shift needs predictions on both sides');
  const ids = [...new Set([...production, ...reference])].sort((a, b) => a - b);
  const index = new Map(ids.map((id, i) => [id, i]));
  const pooled = Int32Array.from([...production, ...reference].map((id) => index.get(id)!));
  const n = production.length;
  const tvd = (order: Int32Array): number => {
    const a = new Float64Array(ids.length);
    const b = new Float64Array(ids.length);
    for (let i = 0; i < order.length; i += 1) (i < n ? a : b)[pooled[order[i]!]!]! += 1;
    let sum = 0;
    for (let k = 0; k < ids.length; k += 1) sum += Math.abs(a[k]! / n - b[k]! / (order.length - n));
    return sum / 2;
  };
  const order = identity(pooled.length);
  const observed = tvd(order);
  const random = createRandom(options.seed ?? 1);
  const permutations = options.permutations ?? 1000;
  let atLeast = 0;
  for (let p = 0; p < permutations; p += 1) {
    shuffle(order, random);
    if (tvd(order) >= observed - 1e-12) atLeast += 1;
  }
  const share = (list: number[], id: number) => list.filter((x) => x === id).length / list.length;
  return {
    distance: observed,
    pValue: (atLeast + 1) / (permutations + 1),
    shares: ids.map((id) => ({ labelId: id, production: share(production, id), reference: share(reference, id) })),
  };
}

/**
 * The alarm rule over repeated checks: a check signals when either test is below alpha/2; the
 * alarm (banner, webhook, production inputs into the pool) sounds only while the last two checks
 * both signal. On traffic like the pool a check signals at rate alpha, so the alarm sounds far
 * less often than once per 1/alpha checks; real drift keeps signalling and sounds at the second.
 */
export function driftAlarm(signal: boolean, previousSignal: boolean | null): boolean {
  return signal && previousSignal === true;
}

/** Effect size in words for people who do not read p-values. */
export function describeEffect(effect: number): string {
  if (effect < 1) return 'within what chance gives';
  if (effect < 2) return 'slightly different';
  if (effect < 5) return 'clearly different';
  return 'very different';
}

/** Unbiased MMD² of the first `n` of `order` against the rest, from the pooled kernel matrix. */
function mmd2(kernel: Float64Array, size: number, order: Int32Array, n: number): number {
  const m = size - n;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < size; i += 1) {
    const a = order[i]!;
    for (let j = i + 1; j < size; j += 1) {
      const k = kernel[a * size + order[j]!]!;
      if (j < n) xx += k;
      else if (i >= n) yy += k;
      else xy += k;
    }
  }
  return (2 * xx) / (n * (n - 1)) + (2 * yy) / (m * (m - 1)) - (2 * xy) / (n * m);
}

function pairwiseSquaredDistances(vectors: Float32Array[]): { matrix: Float64Array; upper: number[] } {
  const size = vectors.length;
  const matrix = new Float64Array(size * size);
  const upper: number[] = [];
  for (let i = 0; i < size; i += 1) {
    for (let j = i + 1; j < size; j += 1) {
      const a = vectors[i]!;
      const b = vectors[j]!;
      let d = 0;
      for (let k = 0; k < a.length; k += 1) d += (a[k]! - b[k]!) ** 2;
      matrix[i * size + j] = d;
      matrix[j * size + i] = d;
      upper.push(d);
    }
  }
  return { matrix, upper };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function identity(size: number): Int32Array {
  return Int32Array.from({ length: size }, (_, i) => i);
}

function shuffle(order: Int32Array, random: () => number): void {
  for (let i = order.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
}
