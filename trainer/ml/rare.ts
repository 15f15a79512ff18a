/**
 * Rare-class mining: for a class with few labels, the unlabeled samples most likely to belong to
 * it, so an annotator can find more of them instead of waiting for the queue to stumble on them.
 */

/** One candidate for a rare class; `index` points into the pool given to {@link rankRareCandidates}. */
export interface RareCandidate {
  index: number;
  score: number;
  /** The model's probability for the class (null without a model that knows it). */
  probability: number | null;
  /** Cosine similarity to the mean of the class's labeled embeddings. */
  similarity: number;
}

/**
 * Ranks `pool` for one class by two signals: closeness to the class's labeled examples (cosine to
 * their mean direction) and the model's probability for the class. The two are on different
 * scales (probabilities of a rare class are small everywhere), so they are combined by average
 * rank rather than by value: a sample high on both comes first. Returns the best `limit`.
 */
export function rankRareCandidates(input: {
  pool: Float32Array[];
  examples: Float32Array[];
  probability?: number[];
  /** Per pool sample, how many classes the model rates above this one (0 = its top guess). */
  probabilityRank?: number[];
  /** With a model, the class must be among its first this-many guesses for a sample (default 3). */
  topGuesses?: number;
  limit: number;
}): RareCandidate[] {
  const centroid = meanDirection(input.examples);
  if (!centroid || input.pool.length === 0) return [];
  const similarity = input.pool.map((v) => cosine(v, centroid));
  // Plausible only: among the model's top guesses for the sample (with a model), and either the
  // model's first guess or at least as close to the class as its least typical labeled example
  // (less a margin). Without this every unlabeled sample would be a "candidate" in a small pool.
  const floor = Math.min(...input.examples.map((v) => cosine(v, centroid))) - SIMILARITY_MARGIN;
  const plausible = (i: number) => {
    const rank = input.probabilityRank?.[i];
    return (rank === undefined || rank < (input.topGuesses ?? 3)) && (rank === 0 || similarity[i]! >= floor);
  };
  const bySimilarity = ranks(similarity);
  const byProbability = input.probability ? ranks(input.probability) : undefined;
  const scored = input.pool.map((_, i) => {
    const rank = byProbability ? (bySimilarity[i]! + byProbability[i]!) / 2 : bySimilarity[i]!;
    return { index: i, score: 1 - rank / input.pool.length, probability: input.probability?.[i] ?? null, similarity: similarity[i]! };
  });
  return scored
    .filter((c) => plausible(c.index))
    .sort((a, b) => b.score - a.score || b.similarity - a.similarity)
    .slice(0, input.limit);
}

const SIMILARITY_MARGIN = 0.05;

/** 0 for the highest value, n−1 for the lowest. */
function ranks(values: number[]): Float64Array {
  const order = values.map((_, i) => i).sort((a, b) => values[b]! - values[a]!);
  const out = new Float64Array(values.length);
  order.forEach((index, rank) => (out[index] = rank));
  return out;
}

function meanDirection(vectors: Float32Array[]): Float64Array | undefined {
  const dims = vectors[0]?.length ?? 0;
  if (dims === 0) return undefined;
  const sum = new Float64Array(dims);
  for (const v of vectors) {
    const norm = Math.hypot(...v) || 1;
    for (let j = 0; j < dims; j += 1) sum[j]! += v[j]! / norm;
  }
  return sum;
}

function cosine(a: Float32Array, b: Float64Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let j = 0; j < b.length; j += 1) {
    dot += a[j]! * b[j]!;
    na += a[j]! * a[j]!;
    nb += b[j]! * b[j]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}
