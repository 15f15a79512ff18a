/**
 * Which Samples to label next. Uncertainty strategies rank the unlabelled pool by the active
 * model's probabilities; diversity sampling over Embeddings covers the data before any model
 * exists and keeps a batch from being ten copies of the same confusing sample.
 */
import { createRandom } from './head-fit.ts';

/** The project's sampling strategy. */
export type Strategy = 'random' | 'least-confidence' | 'margin' | 'entropy' | 'diverse-margin';

/** Uncertain candidates per batch slot that 'diverse-margin' spreads its picks over. */
const CANDIDATES_PER_PICK = 10;
/** Pool points a diversity pass looks at, at most; a random subsample stands in for larger pools. */
const MAX_DIVERSITY_POOL = 20_000;

/** Per-sample usefulness, higher = more useful to label: 1 − max p, 1 − (p₁ − p₂), or entropy. */
export function uncertaintyScores(strategy: Exclude<Strategy, 'random' | 'diverse-margin'>, proba: Float32Array[]): Float32Array {
  return Float32Array.from(proba, (p) => {
    if (strategy === 'entropy') return entropy(p);
    const [first, second] = topTwo(p);
    return strategy === 'margin' ? 1 - (first - second) : 1 - first;
  });
}

/**
 * Ranks the whole pool, best first (indices into `embeddings`/`proba`). Without probabilities
 * (cold start) every strategy except 'random' puts a diverse first batch (k-means++ seeding over
 * the embeddings) ahead of a seeded shuffle of the rest. 'diverse-margin' takes the
 * batchSize×10 smallest-margin samples and picks a spread-out batch among them, then the rest by margin.
 */
export function rankPool(
  strategy: Strategy,
  input: { proba?: Float32Array[]; embeddings: Float32Array[]; batchSize: number; seed: number },
): number[] {
  const { proba, embeddings, batchSize, seed } = input;
  const n = proba?.length ?? embeddings.length;
  const random = createRandom(seed);
  if (strategy === 'random') return shuffle(range(n), random);
  if (!proba) return [...new Set([...coldStartOrder(embeddings, batchSize, seed), ...shuffle(range(n), random)])];
  const scores = uncertaintyScores(strategy === 'diverse-margin' ? 'margin' : strategy, proba);
  // Sort by score, ties by index so the order is reproducible.
  const order = range(n).sort((a, b) => scores[b]! - scores[a]! || a - b);
  if (strategy !== 'diverse-margin' || embeddings.length !== n) return order;
  const candidates = order.slice(0, batchSize * CANDIDATES_PER_PICK);
  const picked = farthestFirst(candidates.map((i) => embeddings[i]!), batchSize, 0).map((k) => candidates[k]!);
  return [...new Set([...picked, ...order])];
}

/**
 * `count` diverse pool indices for labelling before any model exists: k-means++ seeding, which
 * samples each next point with probability ∝ its squared distance to the nearest point already
 * picked. Unlike pure farthest-first it rarely spends picks on isolated outliers, and it never
 * picks two points from one tight cluster while others are uncovered.
 */
export function coldStartOrder(embeddings: Float32Array[], count: number, seed: number): number[] {
  const random = createRandom(seed);
  const pool = samplePool(embeddings.length, random);
  const points = pool.map((i) => embeddings[i]!);
  const picked: number[] = [];
  const nearest = new Float64Array(points.length).fill(Number.POSITIVE_INFINITY);
  let next = Math.floor(random() * points.length);
  while (picked.length < Math.min(count, points.length)) {
    picked.push(next);
    let total = 0;
    for (let i = 0; i < points.length; i += 1) {
      nearest[i] = Math.min(nearest[i]!, squaredDistance(points[i]!, points[next]!));
      total += nearest[i]!;
    }
    // Every remaining point duplicates a pick: fill up in pool order.
    if (total <= 0) {
      next = nearest.findIndex((d, i) => !picked.includes(i));
      if (next < 0) break;
      continue;
    }
    let target = random() * total;
    next = 0;
    while (next < points.length - 1 && (target -= nearest[next]!) > 0) next += 1;
  }
  return picked.map((k) => pool[k]!);
}

/** Greedy k-center over `points` from `first`: each pick is the point farthest from all picks so far. */
function farthestFirst(points: Float32Array[], count: number, first: number): number[] {
  if (points.length === 0) return [];
  const picked = [first];
  const nearest = Float64Array.from(points, (p) => squaredDistance(p, points[first]!));
  while (picked.length < Math.min(count, points.length)) {
    let best = 0;
    for (let i = 1; i < points.length; i += 1) if (nearest[i]! > nearest[best]!) best = i;
    picked.push(best);
    for (let i = 0; i < points.length; i += 1) nearest[i] = Math.min(nearest[i]!, squaredDistance(points[i]!, points[best]!));
  }
  return picked;
}

/** Why a sample was queued, in words for the labeling screen. */
export type QueueExplanation = {
  /** The top three classes. */
  top: { label: string; p: number }[];
  /** Said under the model's guess (which names the top class), e.g. "model unsure: refund close behind at 38%". */
  reason: string;
  /** Said where the project hides the model's guess: names no label. */
  withoutGuess: string;
};

/**
 * Why a sample was queued, for the labelling screen. The screen shows the model's guess (the top
 * class and its probability) apart from the reason, so the reason does not repeat it; and where
 * the project hides the guess (so annotators are not nudged), `withoutGuess` names no label at all.
 */
export function explainChoice(proba: Float32Array, labelNames: string[]): QueueExplanation {
  const top = range(proba.length)
    .sort((a, b) => proba[b]! - proba[a]! || a - b)
    .slice(0, 3)
    .map((c) => ({ label: labelNames[c] ?? `class ${c}`, p: proba[c]! }));
  const [first, second] = top;
  const pct = (p: number) => `${Math.round(p * 100)}%`;
  if (!first) return { top, reason: 'no prediction', withoutGuess: 'no prediction' };
  if (second && first.p - second.p < 0.2) {
    return { top, reason: `model unsure: ${second.label} close behind at ${pct(second.p)}`, withoutGuess: 'model unsure between two labels' };
  }
  if (first.p < 0.5) return { top, reason: 'low confidence: no label above 50%', withoutGuess: 'low confidence: no clear favourite' };
  return { top, reason: `model fairly sure${second ? ` (next: ${second.label} ${pct(second.p)})` : ''}`, withoutGuess: 'model fairly sure of its label' };
}

function topTwo(p: Float32Array): [number, number] {
  let first = 0;
  let second = 0;
  for (const value of p) {
    if (value > first) [first, second] = [value, first];
    else if (value > second) second = value;
  }
  return [first, second];
}

function entropy(p: Float32Array): number {
  let sum = 0;
  for (const value of p) if (value > 0) sum -= value * Math.log(value);
  return sum;
}

function squaredDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i += 1) {
    const d = a[i]! - (b[i] ?? 0);
    sum += d * d;
  }
  return sum;
}

/** All pool indices, or a seeded subsample when the pool is too large for a quadratic pass. */
function samplePool(size: number, random: () => number): number[] {
  const all = range(size);
  return size <= MAX_DIVERSITY_POOL ? all : shuffle(all, random).slice(0, MAX_DIVERSITY_POOL);
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
