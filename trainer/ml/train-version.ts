import { createHash } from 'node:crypto';
import { buildDesign, subsetDesign } from './design.ts';
import { fitDesign, type Features, type Head } from './head.ts';
import { fitLexical, type LexicalModel } from './lexical.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { crossValidate, isHeldOut, type FoldPlan } from './evaluate.ts';
import { FittedHead } from './head-model.ts';

/** One sample as training sees it. `label` is a class index, or null when unlabeled. */
export interface Example {
  key: string; // content hash: decides the fixed held-out split
  vector: Float32Array;
  text: string | null;
  label: number | null;
}

export interface TrainedVersion {
  head: Head;
  metrics: VersionMetrics;
  /** Out-of-fold probabilities for every labeled example, in the order of `labeledIndices`. */
  oof: Float32Array[];
  labeledIndices: number[];
  /** What the next version of the same project can start from (see {@link WarmState}). */
  warmState: WarmState;
}

/**
 * What one version leaves for the next, held in the trainer's memory: the served head, the fold
 * plan with each fold's head, and the L2 choice. With it the next version re-uses the L2 (until
 * the labels have grown by a quarter since it was searched) and starts every fit a few labels
 * from its optimum, which turns a ~12 s version at 5,000 labels into a few seconds.
 */
export interface WarmState {
  kind: 'softmax' | 'mlp';
  numClasses: number;
  head: FittedHead;
  folds: { plan: FoldPlan; heads: (FittedHead | undefined)[] };
  /** scikit-learn's C (= 1/(λ·n)) chosen by the last search, its calibration, and the training-set size then. */
  c: number;
  inverseTemperature: number;
  searchedAt: number;
  /** The lexical model and a fingerprint of the texts it was fitted on (refitted when they change). */
  lexical?: { fingerprint: string; model: LexicalModel };
}

/**
 * Bytes a {@link WarmState} holds: each head's parameters and lexical columns, the lexical model
 * (one 4-byte slot per hash bucket, plus its kept columns) and the fold plan's keys. An estimate
 * within a few percent: the heads are nearly all of it.
 */
export function warmStateBytes(state: WarmState): number {
  const heads = [state.head, ...state.folds.heads].filter((h): h is FittedHead => h !== undefined);
  const headBytes = heads.reduce((sum, h) => sum + h.state.params.byteLength + h.state.columns.byteLength, 0);
  const lexical = state.lexical?.model.toJSON();
  const lexicalBytes = lexical ? lexical.buckets * 4 + lexical.columns.length * 16 : 0;
  let planBytes = 0;
  for (const key of state.folds.plan.foldOf.keys()) planBytes += 2 * key.length + 48;
  return headBytes + lexicalBytes + planBytes;
}

/** Labels may grow by this factor after an L2 search before the next version searches again. */
export const L2_RESEARCH_GROWTH = 1.25;

export interface VersionMetrics {
  /** On the fixed held-out split (never trained on by any version), when it has enough samples. */
  heldOut: Metrics | null;
  /** k-fold out-of-fold estimate over every labeled sample. */
  crossValidation: Metrics;
  folds: number;
  l2: number;
  /** 'searched' on a validation split, or 'reused' from an earlier version of this project. */
  l2Choice: 'searched' | 'reused';
  iterations: number;
  converged: boolean;
  numTrain: number;
  numHeldOut: number;
  numLabels: number;
  /**
   * True when the split left training with too few classes, so this version was fitted on every
   * labeled sample, held-out ones included: its held-out accuracy says nothing, in either direction.
   */
  trainedOnHeldOut: boolean;
}

/** Fewer held-out samples than this and the held-out figures are too noisy to gate promotion on. */
export const MIN_HELD_OUT = 10;

export function featuresOf(examples: Example[], withText: boolean): Features {
  return { dense: examples.map((e) => e.vector), texts: withText ? examples.map((e) => e.text ?? '') : undefined };
}

/** Whether training makes sense yet: at least two classes with two labels each. */
export function canTrain(examples: Example[]): { ok: true } | { ok: false; reason: string } {
  const counts = new Map<number, number>();
  for (const e of examples) if (e.label !== null) counts.set(e.label, (counts.get(e.label) ?? 0) + 1);
  const usable = [...counts.values()].filter((n) => n >= 2).length;
  return usable >= 2 ? { ok: true } : { ok: false, reason: 'needs at least two labels in each of two classes' };
}

/**
 * Fits a head on the labeled examples outside the held-out split, evaluates it on the held-out
 * split and by k-fold cross-validation. The lexical channel (text projects) is fitted label-free
 * on every text of the project, labeled or not.
 */
export async function trainVersion(
  examples: Example[],
  numClasses: number,
  options: { kind: 'softmax' | 'mlp'; warmStart?: Head; seed?: number; previous?: WarmState },
): Promise<TrainedVersion> {
  const withText = examples.some((e) => e.text !== null);
  const previous = options.previous?.kind === options.kind && options.previous.numClasses === numClasses ? options.previous : undefined;
  const lexical = withText ? projectLexical(examples, previous?.lexical) : undefined;
  const labeledIndices = examples.flatMap((e, i) => (e.label === null ? [] : [i]));
  const labeled = labeledIndices.map((i) => examples[i]!);
  const labels = labeled.map((e) => e.label!);
  // Texts are transformed once, for every labeled example; fits and scoring take row subsets.
  const features = featuresOf(labeled, withText);
  const design = buildDesign(features.dense, features.texts, lexical?.model);
  const heldOutRows = labeled.flatMap((e, i) => (isHeldOut(e.key) ? [i] : []));
  const held = new Set(heldOutRows);
  const trainRows = labeled.flatMap((_, i) => (held.has(i) ? [] : [i]));
  // With very few labels the split can leave training with one class: then train on everything.
  const splitUsable = canTrain(trainRows.map((i) => labeled[i]!)).ok;
  const fitRows = splitUsable ? trainRows : labeled.map((_, i) => i);
  const trainSet = fitRows.map((i) => labeled[i]!);
  const heldOut = heldOutRows.map((i) => labeled[i]!);

  const reuseL2 = previous !== undefined && trainSet.length <= previous.searchedAt * L2_RESEARCH_GROWTH;
  const fit = await fitDesign(subsetDesign(design, fitRows), trainSet.map((e) => e.label!), numClasses, {
    kind: options.kind,
    lexical: lexical?.model,
    warmStart: previous?.head ?? options.warmStart,
    seed: options.seed,
    ...(reuseL2 ? { l2: 1 / (previous.c * trainSet.length), inverseTemperature: previous.inverseTemperature } : {}),
  });
  const head = fit.head as FittedHead;
  const heldOutMetrics =
    heldOut.length >= MIN_HELD_OUT && splitUsable
      ? computeMetrics(heldOut.map((e) => e.label!), head.predictDesign(subsetDesign(design, heldOutRows)), numClasses)
      : null;
  const folds = Math.max(2, Math.min(5, smallestClassCount(labeled)));
  // Folds start from the previous version's fold heads, else from the fitted head, with its L2.
  const cv = await crossValidate(features, labels, numClasses, {
    kind: options.kind,
    l2: fit.l2,
    warmStart: head,
    lexical: lexical?.model,
    design,
    folds,
    seed: options.seed,
    keys: labeled.map((e) => e.key),
    previous: previous?.folds,
  });
  const oof = cv.proba;
  const warmState: WarmState = {
    kind: options.kind,
    numClasses,
    head,
    folds: { plan: cv.plan, heads: cv.heads },
    c: reuseL2 ? previous.c : 1 / (fit.l2 * trainSet.length),
    inverseTemperature: head.state.inverseTemperature,
    searchedAt: reuseL2 ? previous.searchedAt : trainSet.length,
    lexical,
  };
  return {
    head: fit.head,
    oof,
    labeledIndices,
    warmState,
    metrics: {
      heldOut: heldOutMetrics,
      crossValidation: computeMetrics(labels, oof, numClasses),
      folds,
      l2: fit.l2,
      l2Choice: reuseL2 ? 'reused' : 'searched',
      iterations: fit.iterations,
      converged: fit.converged,
      numTrain: trainSet.length,
      numHeldOut: splitUsable ? heldOut.length : 0,
      numLabels: labeled.length,
      trainedOnHeldOut: !splitUsable && heldOut.length > 0,
    },
  };
}

/**
 * The project's lexical model, fitted label-free on every text; the previous one is kept while
 * the project holds the same samples (fitting it over 10,000 texts costs ~0.2 s).
 */
function projectLexical(examples: Example[], previous: WarmState['lexical']): { fingerprint: string; model: LexicalModel } {
  const hash = createHash('sha256');
  for (const e of examples) hash.update(e.key).update('\0');
  const fingerprint = `${examples.length}:${hash.digest('hex')}`;
  if (previous?.fingerprint === fingerprint) return previous;
  return { fingerprint, model: fitLexical(examples.map((e) => e.text ?? '')) };
}

function smallestClassCount(examples: Example[]): number {
  const counts = new Map<number, number>();
  for (const e of examples) counts.set(e.label!, (counts.get(e.label!) ?? 0) + 1);
  return Math.min(...[...counts.values()].filter((n) => n >= 2));
}

/** The promotion rule, stated once: the UI shows `rule`. */
export const PROMOTION_RULE =
  'A new version goes live automatically unless it is less accurate than the live one on the held-out samples (a fixed 20% of labeled samples that no version trains on). With fewer than 10 held-out samples, or when a version had to train on them (too few labels of some class to keep them apart), the newest version goes live.';

/**
 * Decides promotion by comparing accuracy of the new and the active head on the current held-out
 * examples. Neither trained on them (the split is fixed per sample), so the comparison is fair;
 * a version that had to train on them (`trainedOnHeldOut`) would win or keep its place unfairly,
 * so then the newest version wins, as with too few held-out samples.
 */
export function decidePromotion(input: {
  examples: Example[];
  candidate: Head;
  /** Whether each version was fitted on held-out samples too (its metrics' `trainedOnHeldOut`). */
  candidateTrainedOnHeldOut?: boolean;
  active: Head | undefined;
  activeTrainedOnHeldOut?: boolean;
  numClasses: number;
}): { promote: boolean; reason: string; candidateAccuracy: number | null; activeAccuracy: number | null } {
  if (!input.active) return { promote: true, reason: 'first version', candidateAccuracy: null, activeAccuracy: null };
  if (input.candidateTrainedOnHeldOut || input.activeTrainedOnHeldOut) {
    const which = input.candidateTrainedOnHeldOut ? 'this version' : 'the live version';
    return { promote: true, reason: `${which} trained on the held-out samples (too few labels of some class to keep them apart): newest version wins`, candidateAccuracy: null, activeAccuracy: null };
  }
  const heldOut = input.examples.filter((e) => e.label !== null && isHeldOut(e.key));
  if (heldOut.length < MIN_HELD_OUT) {
    return { promote: true, reason: `only ${heldOut.length} held-out samples: newest version wins`, candidateAccuracy: null, activeAccuracy: null };
  }
  const withText = heldOut.some((e) => e.text !== null);
  const features = featuresOf(heldOut, withText);
  const labels = heldOut.map((e) => e.label!);
  const candidateAccuracy = computeMetrics(labels, input.candidate.predictProba(features), input.numClasses).accuracy;
  const activeAccuracy = computeMetrics(labels, input.active.predictProba(features), input.numClasses).accuracy;
  const promote = candidateAccuracy >= activeAccuracy;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  return {
    promote,
    reason: promote
      ? `held-out accuracy ${pct(candidateAccuracy)} ≥ live ${pct(activeAccuracy)}`
      : `held-out accuracy ${pct(candidateAccuracy)} < live ${pct(activeAccuracy)}: kept the live version`,
    candidateAccuracy,
    activeAccuracy,
  };
}
