/**
 * A 2-D map of the embeddings for the explore page: the first two principal components, found by
 * power iteration on the covariance (never formed: each step is two passes over the rows), so a
 * 10,000 × 512 project maps in a few hundred milliseconds without a linear-algebra library.
 */

const ITERATIONS = 60;

/** Coordinates of each row of `vectors` on its first two principal components (zeros if degenerate). */
export function projectTo2d(vectors: Float32Array[]): { x: number; y: number }[] {
  const n = vectors.length;
  const dims = vectors[0]?.length ?? 0;
  if (n === 0) return [];
  const mean = new Float64Array(dims);
  for (const v of vectors) for (let j = 0; j < dims; j += 1) mean[j]! += v[j]! / n;
  const first = principalAxis(vectors, mean, []);
  const second = principalAxis(vectors, mean, [first]);
  return vectors.map((v) => ({ x: project(v, mean, first), y: project(v, mean, second) }));
}

function project(v: Float32Array, mean: Float64Array, axis: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < axis.length; j += 1) sum += (v[j]! - mean[j]!) * axis[j]!;
  return sum;
}

/**
 * The leading eigenvector of the centred covariance orthogonal to `previous`. Deterministic start
 * and a fixed sign (largest component positive) keep the map from flipping between runs.
 */
function principalAxis(vectors: Float32Array[], mean: Float64Array, previous: Float64Array[]): Float64Array {
  const dims = mean.length;
  let axis = Float64Array.from({ length: dims }, (_, j) => 1 + ((j * 7919) % 13) / 13);
  for (let iteration = 0; iteration < ITERATIONS; iteration += 1) {
    for (const p of previous) subtractProjection(axis, p);
    if (!normalize(axis)) return new Float64Array(dims);
    const next = new Float64Array(dims);
    for (const v of vectors) {
      const score = project(v, mean, axis);
      for (let j = 0; j < dims; j += 1) next[j]! += score * (v[j]! - mean[j]!);
    }
    axis = next;
  }
  for (const p of previous) subtractProjection(axis, p);
  if (!normalize(axis)) return new Float64Array(dims);
  let largest = 0;
  for (let j = 1; j < dims; j += 1) if (Math.abs(axis[j]!) > Math.abs(axis[largest]!)) largest = j;
  if (axis[largest]! < 0) for (let j = 0; j < dims; j += 1) axis[j] = -axis[j]!;
  return axis;
}

function subtractProjection(axis: Float64Array, direction: Float64Array): void {
  let dot = 0;
  for (let j = 0; j < axis.length; j += 1) dot += axis[j]! * direction[j]!;
  for (let j = 0; j < axis.length; j += 1) axis[j]! -= dot * direction[j]!;
}

function normalize(axis: Float64Array): boolean {
  const norm = Math.hypot(...axis);
  if (!(norm > 1e-12)) return false;
  for (let j = 0; j < axis.length; j += 1) axis[j]! /= norm;
  return true;
}
