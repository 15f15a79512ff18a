/**
 * Drift between production inputs and training data, as a two-sample test on embeddings: the
 * squared maximum mean discrepancy (MMD², unbiased) with a Gaussian kernel whose width is the
 * median pairwise distance (the usual heuristic), and a permutation p-value: how often randomly
 * relabeling the pooled samples gives an MMD² at least as large. Drift is declared when
 * p < alpha; with a few hundred samples per side this catches a shift of topic or input format
 * while a fresh sample of the training distribution stays quiet.
 */
import { createRandom } from './head-fit.ts';

export interface DriftTest {
  mmd2: number;
  pValue: number;
  drifted: boolean;
  bandwidth: number;
  sizes: { production: number; training: number };
}

export const DRIFT_ALPHA = 0.01;
const PERMUTATIONS = 200;

/** Tests whether `production` and `training` embeddings come from the same distribution. */
export function testDrift(production: Float32Array[], training: Float32Array[], options: { seed?: number; permutations?: number } = {}): DriftTest {
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
  for (let p = 0; p < permutations; p += 1) {
    shuffle(order, random);
    if (mmd2(kernel, size, order, n) >= observed) atLeast += 1;
  }
  const pValue = (atLeast + 1) / (permutations + 1);
  return { mmd2: observed, pValue, drifted: pValue < DRIFT_ALPHA, bandwidth, sizes: { production: n, training: training.length } };
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
