import { createHash } from 'node:crypto';
import { buildDesign, subsetDesign } from './design.ts';
import { fitDesign, type Features, type Head } from './head.ts';
import { fitLexical, type LexicalModel } from './lexical.ts';
import { argmax, computeMetrics, type Metrics } from './metrics.ts';
import { crossValidate, type FoldPlan } from './evaluate.ts';
import { FittedHead } from './head-model.ts';
import { sliceEvaluation, type SliceEvaluation } from './evaluation.ts';

/** One sample as training sees it. `label` is a class index, or null when unlabeled. */
export interface Example {
  key: string; // content hash: keeps a sample in its cross-validation fold
  vector: Float32Array;
  text: string | null;
  label: number | null;
  /** A random check sample (the evaluation slice): the evaluation model never trains on it. */
  check?: boolean;
}

export interface TrainedVersion {
  /** The served head: trained on every label, check samples included. */
  head: Head;
  metrics: VersionMetrics;
  /**
   * What the evaluation model (trained without the check samples) predicted for each labeled check
   * sample: `indices` into the examples, `predicted` class indices. Promotion compares versions on these.
   */
  evaluation: { indices: number[]; predicted: number[] };
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
  /**
   * On the labeled random check samples, by a model trained on every other label (the served model
   * then also learns from them): an unbiased estimate of accuracy on the project's data, with 95%
   * intervals. Null while there are none, or when the version had to train on them.
   */
  evaluation: SliceEvaluation | null;
  /** The same samples' full metrics (confusion, calibration), or null as `evaluation`. */
  evaluationMetrics: Metrics | null;
  /** k-fold out-of-fold estimate over every labeled sample: mostly the queue's picks, hard cases. */
  crossValidation: Metrics;
  folds: number;
  l2: number;
  /** 'searched' on a validation split, or 'reused' from an earlier version of this project. */
  l2Choice: 'searched' | 'reused';
  iterations: number;
  converged: boolean;
  /** Labels the evaluation model trained on (all but the check samples). */
  numTrain: number;
  /** Labeled random check samples. */
  numChecks: number;
  numLabels: number;
  /**
   * True when the labels outside the check samples had too few classes to train on, so even the
   * evaluation model saw the check samples: this version's check figures would say nothing.
   */
  trainedOnChecks: boolean;
}

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
 * Fits the evaluation model on every label but the random check samples and measures it on them
 * (unbiased, with intervals); then fits the served model on every label, check samples included,
 * and cross-validates over every label as a second opinion. The lexical channel (text projects)
 * is fitted label-free on every text of the project, labeled or not.
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
  const checkRows = labeled.flatMap((e, i) => (e.check ? [i] : []));
  const isCheck = new Set(checkRows);
  const trainRows = labeled.flatMap((_, i) => (isCheck.has(i) ? [] : [i]));
  // With very few labels outside the slice, training may see one class only: then train on everything.
  const splitUsable = canTrain(trainRows.map((i) => labeled[i]!)).ok;
  const fitRows = splitUsable ? trainRows : labeled.map((_, i) => i);
  const trainSet = fitRows.map((i) => labeled[i]!);

  const reuseL2 = previous !== undefined && trainSet.length <= previous.searchedAt * L2_RESEARCH_GROWTH;
  // The evaluation model: every label but the check samples.
  const fit = await fitDesign(subsetDesign(design, fitRows), trainSet.map((e) => e.label!), numClasses, {
    kind: options.kind,
    lexical: lexical?.model,
    warmStart: previous?.head ?? options.warmStart,
    seed: options.seed,
    ...(reuseL2 ? { l2: 1 / (previous.c * trainSet.length), inverseTemperature: previous.inverseTemperature } : {}),
  });
  const evalHead = fit.head as FittedHead;
  const measured = splitUsable && checkRows.length > 0;
  const checkProba = measured ? evalHead.predictDesign(subsetDesign(design, checkRows)) : [];
  const checkLabels = measured ? checkRows.map((i) => labels[i]!) : [];
  const checkPredicted = checkProba.map(argmax);
  // The served model learns from every label: the check samples join once they have measured the
  // evaluation model (same L2 per sample, starting from the evaluation model's optimum).
  const c = 1 / (fit.l2 * trainSet.length);
  const head =
    measured
      ? ((
          await fitDesign(design, labels, numClasses, {
            kind: options.kind,
            lexical: lexical?.model,
            warmStart: evalHead,
            seed: options.seed,
            l2: 1 / (c * labeled.length),
            inverseTemperature: evalHead.state.inverseTemperature,
          })
        ).head as FittedHead)
      : evalHead;
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
  // The evaluation model's confidence over the pool, for the model-assisted accuracy: fresh where it
  // never trained (unlabeled and check samples), out-of-fold on the labels it trained on.
  let assist: { confidence: number[]; poolConfidence: number } | undefined;
  if (measured) {
    const unlabeled = examples.filter((e) => e.label === null);
    const unlabeledProba = unlabeled.length > 0 ? evalHead.predictProba(featuresOf(unlabeled, withText)) : [];
    let sum = 0;
    for (const p of unlabeledProba) sum += maxOf(p);
    for (const p of checkProba) sum += maxOf(p);
    for (const i of trainRows) sum += maxOf(oof[i]!);
    assist = { confidence: checkProba.map(maxOf), poolConfidence: sum / (unlabeled.length + checkRows.length + trainRows.length) };
  }
  const warmState: WarmState = {
    kind: options.kind,
    numClasses,
    // The next evaluation model starts from this one (it trains on the same kind of rows).
    head: evalHead,
    folds: { plan: cv.plan, heads: cv.heads },
    c: reuseL2 ? previous.c : c,
    inverseTemperature: head.state.inverseTemperature,
    searchedAt: reuseL2 ? previous.searchedAt : trainSet.length,
    lexical,
  };
  return {
    head,
    oof,
    labeledIndices,
    warmState,
    evaluation: { indices: measured ? checkRows.map((i) => labeledIndices[i]!) : [], predicted: checkPredicted },
    metrics: {
      evaluation: measured ? sliceEvaluation(checkLabels, checkPredicted, numClasses, options.seed ?? 1, assist) : null,
      evaluationMetrics: measured ? computeMetrics(checkLabels, checkProba, numClasses) : null,
      crossValidation: computeMetrics(labels, oof, numClasses),
      folds,
      l2: fit.l2,
      l2Choice: reuseL2 ? 'reused' : 'searched',
      iterations: fit.iterations,
      converged: fit.converged,
      numTrain: trainSet.length,
      numChecks: checkRows.length,
      numLabels: labeled.length,
      trainedOnChecks: !splitUsable && checkRows.length > 0,
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

function maxOf(p: Float32Array): number {
  let best = 0;
  for (let k = 0; k < p.length; k += 1) if (p[k]! > best) best = p[k]!;
  return best;
}

