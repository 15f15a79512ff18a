/**
 * Cross-validation of a ModelVersion: k-fold out-of-fold probabilities for every labelled Sample
 * (the second opinion next to the random check samples, see evaluation.ts).
 */
import { fitTemperature } from './calibrate.ts';
import { buildDesign, subsetDesign, type Design } from './design.ts';
import { fitDesign, shuffleInPlace, type Features, type FitOptions } from './head.ts';
import { createRandom } from './head-fit.ts';
import { FittedHead } from './head-model.ts';
import { fitLexical } from './lexical.ts';

/**
 * Folds that start from a model that has seen their held-out rows stop on a tighter tolerance than
 * other fits: traces of those rows fade only as the fold converges. On banking77 (5,000 labels)
 * stopping at 1e-3 left out-of-fold accuracy 0.5–1 point above fully converged folds, 5e-4 about
 * 0.2–0.4, for ~15 instead of ~12 iterations per fold.
 */
const LEAKY_START_LOSS_TOLERANCE = 5e-4;

/**
 * Which fold each labelled sample is in, by sample key. Plans carry over between versions: a
 * sample keeps its fold, so a fold's head from the previous version never saw the fold's rows and
 * is a clean starting point for the fold's next fit.
 */
export interface FoldPlan {
  k: number;
  foldOf: Map<string, number>;
}

/** What {@link crossValidate} returns: `heads[f]` was fitted without fold f (undefined: fold had one class). */
export interface CrossValidation {
  proba: Float32Array[];
  plan: FoldPlan;
  heads: (FittedHead | undefined)[];
  /** How many folds started from the previous version's head for the same fold. */
  cleanStarts: number;
}

/** Options for {@link crossValidate}. */
export interface CrossValidateOptions extends FitOptions {
  folds?: number;
  /** One key per example (e.g. a content hash); required to keep or extend a previous plan. */
  keys?: string[];
  /** The previous version's folds and fold heads. Used when its fold count matches. */
  previous?: { plan: FoldPlan; heads: (FittedHead | undefined)[] };
  /** The examples' design, when the caller has built it already (else built from `features`). */
  design?: Design;
}

/** {@link crossValidate}'s out-of-fold probabilities alone. */
export async function crossValidatedProba(
  features: Features,
  labels: number[],
  numClasses: number,
  options: CrossValidateOptions,
): Promise<Float32Array[]> {
  return (await crossValidate(features, labels, numClasses, options)).proba;
}

/**
 * Out-of-fold probabilities for every example: stratified folds (seeded), each fold's head fitted
 * on the other folds and scoring its own. Texts are transformed once; the L2 is fixed (given, the
 * warm-start head's, or chosen once on all data).
 *
 * Starting points. With a previous plan of the same size, samples keep their folds (new ones are
 * dealt to the fold with the fewest of their class) and each fold starts from the previous
 * version's head for that fold: it never saw the fold's rows, and it is a few labels away from
 * the new optimum, so a fold costs a handful of L-BFGS passes. Without one, every fold starts from
 * the warm-start head (or the previous fold's), ~15 passes instead of ~30 from zero. That start
 * has seen the fold's rows and carries traces of them: lexical weights of n-grams found only in
 * those rows are dropped outright (without the rows their optimum is exactly zero), the rest fade
 * as the fold converges, hence the fold's tighter tolerance. Probabilities use the warm start's
 * temperature, or without one a temperature fitted on the out-of-fold predictions.
 */
export async function crossValidate(
  features: Features,
  labels: number[],
  numClasses: number,
  options: CrossValidateOptions,
): Promise<CrossValidation> {
  const lexical = options.lexical ?? (features.texts ? fitLexical(features.texts) : undefined);
  const design = options.design ?? buildDesign(features.dense, features.texts, lexical);
  let start = options.warmStart instanceof FittedHead ? options.warmStart : undefined;
  let l2 = options.l2 ?? start?.l2;
  if (l2 === undefined) {
    const full = await fitDesign(design, labels, numClasses, { ...options, lexical });
    l2 = full.l2;
    start = full.head as FittedHead;
  }
  const calibrated = start !== undefined;
  const keys = options.keys ?? labels.map((_, i) => String(i));
  const k = Math.max(2, Math.min(Math.floor(options.folds ?? 5), labels.length));
  const previous = options.keys && options.previous?.plan.k === k ? options.previous : undefined;
  const plan = planFolds(keys, labels, k, options.seed ?? 0, previous?.plan);
  const out = new Array<Float32Array>(labels.length);
  const heads: (FittedHead | undefined)[] = [];
  let cleanStarts = 0;
  for (const [fold, heldOut] of foldMembers(plan, keys).entries()) {
    const held = new Set(heldOut);
    const train = labels.map((_, i) => i).filter((i) => !held.has(i));
    const clean = previous?.heads[fold];
    if (clean) cleanStarts += 1;
    const inverseTemperature = start?.state.inverseTemperature;
    // A clean start leaves no traces to fade, so the fold can stop at the ordinary tolerance.
    const lossTolerance = clean ? undefined : LEAKY_START_LOSS_TOLERANCE;
    const head = await fitFold(design, train, labels, numClasses, { ...options, lexical, l2, warmStart: clean ?? start, inverseTemperature, lossTolerance });
    heads.push(head);
    // A fold whose training part has one class has nothing to learn: say so with uniform probabilities.
    const proba = head ? head.predictDesign(subsetDesign(design, heldOut)) : heldOut.map(() => new Float32Array(numClasses).fill(1 / numClasses));
    proba.forEach((row, i) => (out[heldOut[i]!] = row));
    start ??= head;
  }
  const proba = calibrated ? out : applyTemperature(out, fitTemperature(labels, out).inverse);
  return { proba, plan, heads, cleanStarts };
}

/**
 * The fold of each key. Without `previous`, stratified as {@link assignFolds}. With it, keys it
 * knows keep their fold, and each new key goes to the fold holding the fewest of its class (then
 * the fewest overall), so folds stay stratified as labels accumulate.
 */
export function planFolds(keys: string[], labels: number[], k: number, seed: number, previous?: FoldPlan): FoldPlan {
  const foldOf = new Map<string, number>();
  if (!previous || previous.k !== k) {
    assignFolds(labels, k, seed).forEach((members, fold) => members.forEach((i) => foldOf.set(keys[i]!, fold)));
    return { k, foldOf };
  }
  const perClass = new Map<number, Int32Array>();
  const sizes = new Int32Array(k);
  const counts = (label: number) => perClass.get(label) ?? perClass.set(label, new Int32Array(k)).get(label)!;
  const fresh: number[] = [];
  keys.forEach((key, i) => {
    const fold = previous.foldOf.get(key);
    if (fold === undefined || fold >= k) return fresh.push(i);
    foldOf.set(key, fold);
    counts(labels[i]!)[fold]! += 1;
    sizes[fold]! += 1;
  });
  for (const i of fresh) {
    const byClass = counts(labels[i]!);
    let best = 0;
    for (let fold = 1; fold < k; fold += 1) {
      if (byClass[fold]! < byClass[best]! || (byClass[fold] === byClass[best] && sizes[fold]! < sizes[best]!)) best = fold;
    }
    foldOf.set(keys[i]!, best);
    byClass[best]! += 1;
    sizes[best]! += 1;
  }
  return { k, foldOf };
}

/** Example indices of each fold of `plan`, in example order. */
function foldMembers(plan: FoldPlan, keys: string[]): number[][] {
  const out = Array.from({ length: plan.k }, () => [] as number[]);
  keys.forEach((key, i) => out[plan.foldOf.get(key)!]!.push(i));
  return out;
}

/** The head fitted on the rows `train`, or undefined if they hold fewer than two classes. */
async function fitFold(
  design: Design,
  train: number[],
  labels: number[],
  numClasses: number,
  options: FitOptions & { lossTolerance?: number },
): Promise<FittedHead | undefined> {
  const trainLabels = train.map((i) => labels[i]!);
  if (new Set(trainLabels).size < 2) return undefined;
  const fit = await fitDesign(subsetDesign(design, train), trainLabels, numClasses, options);
  return fit.head as FittedHead;
}

/** softmax(β·log p) for every row. */
function applyTemperature(proba: Float32Array[], inverse: number): Float32Array[] {
  return proba.map((p) => {
    const logits = Array.from(p, (value) => inverse * Math.log(Math.max(value, 1e-30)));
    const max = Math.max(...logits);
    const weights = logits.map((value) => Math.exp(value - max));
    const total = weights.reduce((sum, w) => sum + w, 0);
    return Float32Array.from(weights, (w) => w / total);
  });
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
