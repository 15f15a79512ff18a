/**
 * Which labelled Samples are probably mislabelled, from out-of-fold probabilities and, optionally,
 * the labels of each Sample's nearest neighbours: confident learning (Northcutt et al., JAIR 2021,
 * as cleanlab implements it) decides how many of each class to flag, and a per-sample score ranks
 * every Sample for review.
 */
import * as tf from '@tensorflow/tfjs';
import { argmax } from './metrics.ts';

/** What {@link rankSuspects} reads: one entry per labelled Sample. */
export interface SuspectInput {
  /** Given label index per labelled sample. */
  given: number[];
  /** Out-of-fold probabilities per sample (length numClasses). */
  oof: Float32Array[];
  numClasses: number;
  /** For each sample, the given labels of its k nearest labelled neighbours (itself excluded), nearest first; optional. */
  neighbors?: number[][];
}

/** One labelled Sample as an audit sees it. */
export interface Suspect {
  index: number;
  given: number;
  /** The model's best guess other than `given`: the OOF argmax, or the runner-up when the argmax is `given`. */
  suggested: number;
  /** In [0, 1], higher = more likely mislabelled. */
  score: number;
  /** Would be put in front of a reviewer. */
  flagged: boolean;
  /** oof[index][given]. */
  selfConfidence: number;
  /** Share of neighbours whose label equals `given`; null without neighbours. */
  neighborAgreement: number | null;
}

/**
 * Weight of neighbour disagreement in the score; the rest is the model's 1 − self-confidence.
 * The two err differently: the head also reads lexical cues and is unsure wherever classes
 * overlap, while a flipped label usually sits among neighbours of its true class. Equal weights
 * are the prior for two [0, 1] pieces of evidence, and banking77 cannot choose: with many classes
 * a flipped label's self-confidence is ~0, so the neighbours only reorder near-ties (top-k recall
 * 0.925 → 0.926 for any weight in 0.1–0.6). Checked on held-back sets, 5% uniform flips, 3 seeds,
 * k = 10: clinc150 test 0.970 → 0.978, sms-spam 0.873 → 0.944; weights 0.4–0.6 are within half a
 * point there. Neighbours alone are far worse (banking77 0.57, clinc150 0.73, sms-spam 0.92):
 * their labels are as noisy as the sample's own.
 */
export const NEIGHBOR_WEIGHT = 0.5;

/** Probabilities this close below a threshold still count as confident (cleanlab's 1e-6 guard). */
const THRESHOLD_SLACK = 1e-6;

/** Every sample, most suspicious first (ties: lower index first). */
export function rankSuspects(input: SuspectInput): Suspect[] {
  const { given, oof, numClasses, neighbors } = input;
  checkInput(input);
  const suspects = given.map((label, index): Suspect => {
    const p = oof[index]!;
    const selfConfidence = p[label]!;
    const top = argmax(p);
    const suggested = top === label ? runnerUp(p, label) : top;
    const near = neighbors?.[index];
    const neighborAgreement = near && near.length > 0 ? near.filter((l) => l === label).length / near.length : null;
    // Self-confidence rather than the normalized margin: it ranked flips far better on the
    // many-class sets (banking77 0.925 vs 0.791, clinc150 0.970 vs 0.873) and ties on 2 classes.
    const modelScore = 1 - selfConfidence;
    const score = neighborAgreement === null ? modelScore : (1 - NEIGHBOR_WEIGHT) * modelScore + NEIGHBOR_WEIGHT * (1 - neighborAgreement);
    return { index, given: label, suggested, score: Math.min(1, Math.max(0, score)), flagged: false, selfConfidence, neighborAgreement };
  });
  const flagged = flagIssues(given, oof, numClasses, suspects.map((s) => s.score));
  for (const s of suspects) s.flagged = flagged[s.index] === 1;
  return suspects.sort((a, b) => b.score - a.score || a.index - b.index);
}

/**
 * Per-class thresholds t_j: the mean OOF probability of class j over the samples labelled j, i.e.
 * how confident the model typically is about a class it is right about. Infinity for a class no
 * sample is labelled with (nothing is ever confidently that class).
 */
export function classThresholds(given: number[], oof: Float32Array[], numClasses: number): Float64Array {
  const sums = new Float64Array(numClasses);
  const counts = new Float64Array(numClasses);
  given.forEach((label, i) => {
    sums[label]! += oof[i]![label]!;
    counts[label]! += 1;
  });
  return sums.map((sum, j) => (counts[j]! > 0 ? sum / counts[j]! : Infinity));
}

/**
 * The confident joint C[given][true]: each sample counts towards the class it is confidently
 * predicted as (the most probable class among those at or above their threshold); samples
 * confident about no class are left out. Rows are then calibrated to the given-label counts, so
 * C[i][j] estimates how many samples labelled i are really j.
 */
export function confidentJoint(given: number[], oof: Float32Array[], numClasses: number): number[][] {
  const thresholds = classThresholds(given, oof, numClasses);
  const joint = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  const classCounts = new Array<number>(numClasses).fill(0);
  given.forEach((label, i) => {
    classCounts[label]! += 1;
    const guess = confidentClass(oof[i]!, thresholds);
    if (guess !== undefined) joint[label]![guess]! += 1;
  });
  return joint.map((row, i) => calibrateRow(row, classCounts[i]!, i));
}

/**
 * Which samples to flag: cleanlab's 'both' filter. The calibrated confident joint says how many
 * samples labelled i are really j. Prune-by-noise-rate picks, per off-diagonal cell (i, j), the
 * C[i][j] samples labelled i with the largest margin p_j − p_i; prune-by-class picks, per class i,
 * the Σ_{j≠i} C[i][j] most suspicious samples labelled i (by `score`, where cleanlab uses
 * self-confidence: the same order the reviewer sees). A sample is flagged if both pick it and the
 * model's argmax is not its given label. Flags cost a person's time, so precision comes first.
 * 5% flips, mean of 3 seeds, precision/recall: prune-by-noise-rate alone 0.66/0.82 on banking77;
 * 'both' 0.77/0.81; 'both' ordered by `score` 0.80/0.80 (sms-spam 0.75/0.84 → 0.82/0.79,
 * clinc150 0.91/0.79 → 0.92/0.79). Off-diagonal membership alone gave 0.73/0.76.
 */
function flagIssues(given: number[], oof: Float32Array[], numClasses: number, score: number[]): Uint8Array {
  const joint = confidentJoint(given, oof, numClasses);
  const byClass = Array.from({ length: numClasses }, () => [] as number[]);
  given.forEach((label, i) => byClass[label]!.push(i));
  const byNoiseRate = new Uint8Array(given.length);
  const byClassCount = new Uint8Array(given.length);
  byClass.forEach((members, i) => {
    // Like cleanlab, leave every class at least one sample.
    const cap = Math.max(0, members.length - 1);
    const offDiagonal = joint[i]!.reduce((sum, count, j) => (j === i ? sum : sum + count), 0);
    const worst = [...members].sort((a, b) => score[b]! - score[a]! || a - b);
    for (const s of worst.slice(0, Math.min(cap, offDiagonal))) byClassCount[s] = 1;
    joint[i]!.forEach((count, j) => {
      if (j === i || count === 0) return;
      const margin = (s: number) => oof[s]![j]! - oof[s]![i]!;
      const widest = [...members].sort((a, b) => margin(b) - margin(a) || a - b);
      for (const s of widest.slice(0, Math.min(cap, count))) byNoiseRate[s] = 1;
    });
  });
  return byNoiseRate.map((v, s) => (v && byClassCount[s] && argmax(oof[s]!) !== given[s] ? 1 : 0));
}

/** The most probable class among those at or above their threshold, if any. */
function confidentClass(p: Float32Array, thresholds: Float64Array): number | undefined {
  let best: number | undefined;
  for (let j = 0; j < p.length; j += 1) {
    if (p[j]! >= thresholds[j]! - THRESHOLD_SLACK && (best === undefined || p[j]! > p[best]!)) best = j;
  }
  return best;
}

/**
 * Scales a row of confident counts to sum to the class's size, rounding so the total is kept
 * (largest remainders round up). A class with no confident sample is assumed clean.
 */
function calibrateRow(row: number[], classCount: number, diagonal: number): number[] {
  const total = row.reduce((a, b) => a + b, 0);
  if (total === 0) return row.map((_, j) => (j === diagonal ? classCount : 0));
  const exact = row.map((c) => (c / total) * classCount);
  const out = exact.map(Math.floor);
  let missing = classCount - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, j) => [x - Math.floor(x), j] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, j] of order) {
    if (missing <= 0) break;
    out[j]! += 1;
    missing -= 1;
  }
  return out;
}

function runnerUp(p: Float32Array, top: number): number {
  let best = top === 0 ? 1 : 0;
  for (let j = 0; j < p.length; j += 1) if (j !== top && p[j]! > p[best]!) best = j;
  return best;
}

function checkInput({ given, oof, numClasses, neighbors }: SuspectInput): void {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`numClasses must be an integer ≥ 2, got ${numClasses}`);
  if (oof.length !== given.length) throw new Error(`${given.length} labels for ${oof.length} probability rows`);
  if (neighbors && neighbors.length !== given.length) throw new Error(`${given.length} labels for ${neighbors.length} neighbour lists`);
  const badLabel = given.find((label) => !Number.isInteger(label) || label < 0 || label >= numClasses);
  if (badLabel !== undefined) throw new Error(`label ${badLabel} is outside [0, ${numClasses})`);
  const badRow = oof.findIndex((row) => row.length !== numClasses);
  if (badRow >= 0) throw new Error(`probability row ${badRow} has ${oof[badRow]!.length} entries, expected ${numClasses}`);
}

/**
 * Similarities per matrix product (rows × all vectors): 4M floats is 16 MB, so the chunk shrinks as
 * the set grows (160 rows at 25,000 vectors). The TF.js wasm heap never shrinks, so a fixed 1,024
 * rows left it ~300 MB larger for good on a 25,000-text audit.
 */
const NEIGHBOR_CHUNK_FLOATS = 4 * 1024 * 1024;

/**
 * Exact cosine k nearest neighbours of every row among `vectors` (itself excluded), nearest first,
 * by chunked matrix products; for audits and benchmarks (the platform uses pgvector). `k` is
 * capped at the number of other rows. Needs an initialised TF.js backend.
 */
export function nearestNeighbors(vectors: Float32Array[], k: number): number[][] {
  const n = vectors.length;
  const take = Math.min(Math.floor(k), n - 1);
  if (take < 1) return vectors.map(() => []);
  const dims = vectors[0]!.length;
  // Rows, and the same unit vectors as columns: the wasm backend multiplies by a transposed
  // operand ~20x slower than by one laid out as columns (8 s vs 0.4 s per chunk on banking77).
  const rows = new Float32Array(n * dims);
  const columns = new Float32Array(n * dims);
  vectors.forEach((v, i) => {
    if (v.length !== dims) throw new Error(`vector ${i} has ${v.length} dimensions, expected ${dims}`);
    // Unit vectors make the dot product the cosine; a zero vector stays zero (similar to nothing).
    const norm = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0)) || 1;
    for (let d = 0; d < dims; d += 1) rows[i * dims + d] = columns[d * n + i] = v[d]! / norm;
  });
  const [left, right] = [tf.tensor2d(rows, [n, dims]), tf.tensor2d(columns, [dims, n])];
  const chunk = Math.max(16, Math.floor(NEIGHBOR_CHUNK_FLOATS / n));
  // One more than asked for: each row's self is among them (unless more than k exact duplicates tie with it).
  const fetched = Math.min(take + 1, n);
  const out: number[][] = [];
  try {
    for (let start = 0; start < n; start += chunk) {
      const size = Math.min(chunk, n - start);
      const indices = tf.tidy(() => tf.topk(tf.matMul(left.slice([start, 0], [size, dims]), right), fetched).indices);
      const data = indices.dataSync();
      indices.dispose();
      for (let r = 0; r < size; r += 1) {
        const found = Array.from(data.subarray(r * fetched, (r + 1) * fetched));
        const self = found.indexOf(start + r);
        out.push((self >= 0 ? found.filter((_, k) => k !== self) : found).slice(0, take));
      }
    }
  } finally {
    left.dispose();
    right.dispose();
  }
  return out;
}
