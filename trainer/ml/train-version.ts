import { fitHead, type Features, type Head } from './head.ts';
import { fitLexical, type LexicalModel } from './lexical.ts';
import { computeMetrics, type Metrics } from './metrics.ts';
import { crossValidatedProba, isHeldOut } from './evaluate.ts';

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
}

export interface VersionMetrics {
  /** On the fixed held-out split (never trained on by any version), when it has enough samples. */
  heldOut: Metrics | null;
  /** k-fold out-of-fold estimate over every labeled sample. */
  crossValidation: Metrics;
  folds: number;
  l2: number;
  iterations: number;
  converged: boolean;
  numTrain: number;
  numHeldOut: number;
  numLabels: number;
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
  options: { kind: 'softmax' | 'mlp'; warmStart?: Head; seed?: number },
): Promise<TrainedVersion> {
  const withText = examples.some((e) => e.text !== null);
  const lexical: LexicalModel | undefined = withText ? fitLexical(examples.map((e) => e.text ?? '')) : undefined;
  const labeledIndices = examples.flatMap((e, i) => (e.label === null ? [] : [i]));
  const labeled = labeledIndices.map((i) => examples[i]!);
  const heldOutMask = labeled.map((e) => isHeldOut(e.key));
  const train = labeled.filter((_, i) => !heldOutMask[i]);
  const heldOut = labeled.filter((_, i) => heldOutMask[i]);
  // With very few labels the split can leave training with one class: then train on everything.
  const trainSet = canTrain(train).ok ? train : labeled;

  const fit = await fitHead(featuresOf(trainSet, withText), trainSet.map((e) => e.label!), numClasses, {
    kind: options.kind,
    lexical,
    warmStart: options.warmStart,
    seed: options.seed,
  });
  const heldOutMetrics =
    heldOut.length >= MIN_HELD_OUT && trainSet !== labeled
      ? computeMetrics(heldOut.map((e) => e.label!), fit.head.predictProba(featuresOf(heldOut, withText)), numClasses)
      : null;
  const folds = Math.max(2, Math.min(5, smallestClassCount(labeled)));
  // Folds start from the fitted head (close to each fold's optimum), with its L2.
  const oof = await crossValidatedProba(featuresOf(labeled, withText), labeled.map((e) => e.label!), numClasses, {
    kind: options.kind,
    l2: fit.l2,
    warmStart: fit.head,
    lexical,
    folds,
    seed: options.seed,
  });
  return {
    head: fit.head,
    oof,
    labeledIndices,
    metrics: {
      heldOut: heldOutMetrics,
      crossValidation: computeMetrics(labeled.map((e) => e.label!), oof, numClasses),
      folds,
      l2: fit.l2,
      iterations: fit.iterations,
      converged: fit.converged,
      numTrain: trainSet.length,
      numHeldOut: trainSet === labeled ? 0 : heldOut.length,
      numLabels: labeled.length,
    },
  };
}

function smallestClassCount(examples: Example[]): number {
  const counts = new Map<number, number>();
  for (const e of examples) counts.set(e.label!, (counts.get(e.label!) ?? 0) + 1);
  return Math.min(...[...counts.values()].filter((n) => n >= 2));
}

/** The promotion rule, stated once: the UI shows `rule`. */
export const PROMOTION_RULE =
  'A new version goes live automatically unless it is less accurate than the live one on the held-out samples (a fixed 20% of labeled samples that no version trains on). With fewer than 10 held-out samples, the newest version goes live.';

/**
 * Decides promotion by comparing accuracy of the new and the active head on the current held-out
 * examples. Both never trained on them (the split is fixed per sample), so the comparison is fair.
 */
export function decidePromotion(input: {
  examples: Example[];
  candidate: Head;
  active: Head | undefined;
  numClasses: number;
}): { promote: boolean; reason: string; candidateAccuracy: number | null; activeAccuracy: number | null } {
  if (!input.active) return { promote: true, reason: 'first version', candidateAccuracy: null, activeAccuracy: null };
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
