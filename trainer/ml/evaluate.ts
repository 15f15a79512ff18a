/**
 * How a ModelVersion is evaluated: a fixed held-out split decided by each Sample's key, and k-fold
 * out-of-fold probabilities for every labelled Sample.
 */
import { buildDesign, subsetDesign } from './design.ts';
import { fitDesign, shuffleInPlace, type Features, type FitOptions } from './head.ts';
import { createRandom } from './head-fit.ts';
import { FittedHead } from './head-model.ts';
import { fitLexical } from './lexical.ts';

/** Folds start next to their optimum and only feed an estimate, so they may stop earlier than a final fit. */
const FOLD_LOSS_TOLERANCE = Number(process.env.TOL_FOLD ?? 1e-3);

/**
 * Whether the sample with this key (e.g. its content hash) belongs to the fixed held-out split.
 * A pure function of the key, so a sample never moves between splits as labels accumulate.
 */
export function isHeldOut(key: string, fraction = 0.2): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  // FNV-1a's low bits mix poorly for short keys; a murmur3 finaliser spreads them over all 32 bits.
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 4294967296 < fraction;
}

/**
 * Out-of-fold probabilities for every example: stratified folds (seeded), each fold's head fitted
 * on the others and scoring the fold. Fast by construction: texts are transformed once, the L2 is
 * fixed (given, or the warm-start head's, or chosen once on all data), and every fold starts from
 * the warm-start head (or the previous fold's head), which is close to each fold's optimum.
 * Lexical weights of n-grams that occur only in the held-out fold are dropped from the start
 * (their optimum without those rows is exactly zero), so no fold remembers its own held-out texts.
 */
export async function crossValidatedProba(
  features: Features,
  labels: number[],
  numClasses: number,
  options: FitOptions & { folds?: number },
): Promise<Float32Array[]> {
  const lexical = options.lexical ?? (features.texts ? fitLexical(features.texts) : undefined);
  const design = buildDesign(features.dense, features.texts, lexical);
  let start = options.warmStart instanceof FittedHead ? options.warmStart : undefined;
  let l2 = options.l2 ?? start?.l2;
  if (l2 === undefined) {
    const full = await fitDesign(design, labels, numClasses, { ...options, lexical });
    l2 = full.l2;
    start = full.head as FittedHead;
  }
  const folds = assignFolds(labels, options.folds ?? 5, options.seed ?? 0);
  const out = new Array<Float32Array>(labels.length);
  for (const heldOut of folds) {
    const held = new Set(heldOut);
    const trainIndices = labels.map((_, i) => i).filter((i) => !held.has(i));
    const trainLabels = trainIndices.map((i) => labels[i]!);
    if (heldOut.length === 0) continue;
    if (new Set(trainLabels).size < 2) {
      // Nothing to learn from: say so with uniform probabilities rather than invent a model.
      for (const i of heldOut) out[i] = new Float32Array(numClasses).fill(1 / numClasses);
      continue;
    }
    const fit = await fitDesign(subsetDesign(design, trainIndices), trainLabels, numClasses, {
      ...options,
      lexical,
      l2,
      warmStart: start,
      lossTolerance: FOLD_LOSS_TOLERANCE,
    });
    const head = fit.head as FittedHead;
    head.predictDesign(subsetDesign(design, heldOut)).forEach((proba, k) => (out[heldOut[k]!] = proba));
    start ??= head;
  }
  return out;
}

/**
 * Stratified fold assignment: each class's examples are shuffled and dealt round-robin, with the
 * dealing continuing across classes so folds stay the same size.
 */
export function assignFolds(labels: number[], folds: number, seed: number): number[][] {
  const k = Math.max(2, Math.min(Math.floor(folds), labels.length));
  const random = createRandom(seed * 7919 + 13);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  });
  const out = Array.from({ length: k }, () => [] as number[]);
  let next = Math.floor(random() * k);
  for (const label of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of shuffleInPlace(byClass.get(label)!, random)) {
      out[next]!.push(i);
      next = (next + 1) % k;
    }
  }
  return out;
}
