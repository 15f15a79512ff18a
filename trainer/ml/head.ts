/**
 * The classifier head retrained after every few Annotations: multinomial logistic regression
 * ('softmax') or a one-hidden-layer network ('mlp') on frozen Embeddings, plus a linear term on
 * lexical n-grams for text projects. Fitted by L-BFGS (see optimize.ts), class-balanced, with the
 * L2 strength chosen on a validation split when not given.
 */
import { getTensorBackendStatus, initTensorBackend } from './backend.ts';
import { fitTemperature } from './calibrate.ts';
import { buildDesign, subsetDesign, type Design } from './design.ts';
import { createRandom, Trainer } from './head-fit.ts';
import { deserializeFittedHead, FittedHead } from './head-model.ts';
import { fitLexical, type LexicalModel } from './lexical.ts';

/** What a head sees of a sample: its embedding and, in text projects, its text (→ lexical channel). */
export interface Features {
  dense: Float32Array[];
  texts?: string[];
}

/** Options for {@link fitHead}. */
export interface FitOptions {
  kind?: 'softmax' | 'mlp';
  /** L2 strength (per example, on the mean loss); omitted → chosen on a validation split from a grid. */
  l2?: number;
  /** Cap on L-BFGS iterations of the final fit (each is about one pass over the data). */
  maxEpochs?: number;
  seed?: number;
  /** A previous head to start from; lexical rows, classes and dense weights are matched where they agree. */
  warmStart?: Head;
  /** Lexical model fitted on all project texts; if omitted and texts are given, fitted on the training texts. */
  lexical?: LexicalModel;
  /** With `l2` given: the calibration to keep (default: the warm start's). Ignored when L2 is searched. */
  inverseTemperature?: number;
}

/** A fitted head. */
export interface Head {
  readonly numClasses: number;
  readonly kind: 'softmax' | 'mlp';
  readonly l2: number;
  /** One probability vector (length numClasses) per row of `features`. */
  predictProba(features: Features): Float32Array[];
  /** Small JSON-safe `meta` plus the weights (and lexical vocabulary) as little-endian bytes. */
  serialize(): { meta: Record<string, unknown>; weights: Uint8Array };
}

/** What {@link fitHead} returns: `iterations`/`converged` describe the final fit. */
export interface FitResult {
  head: Head;
  l2: number;
  iterations: number;
  converged: boolean;
  ms: number;
}

const DEFAULT_MAX_EPOCHS = 100;
/** Relative loss decrease below which L-BFGS stops (twice running): past it test accuracy no longer moves. */
const LOSS_TOLERANCE = 1e-3;
/**
 * L2 grid as C = 1/(λ·n) (scikit-learn's C), strongest first, so λ scales with the number of
 * labels as a fixed prior would. Half-decade steps; the walk stops once validation stops improving.
 */
const C_GRID = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000];
const PATH_MAX_ITERATIONS = 30;
const PATH_LOSS_TOLERANCE = 3e-3;
/** Used when there are too few labels to hold any out. */
const DEFAULT_C = 10;
const VALIDATION_FRACTION = 0.2;
/** A grid step must lower validation log-loss by this fraction to count as better (else noise). */
const MIN_IMPROVEMENT = 0.01;
const MIN_VALIDATION = 8;

/**
 * Fits a head on `features` with class indices `labels` in [0, numClasses). Each example weighs
 * n/(K·n_c) (K = classes present), so rare classes count as much as common ones; classes with no
 * example get a vanishing probability. Throws if fewer than two classes have examples.
 */
export async function fitHead(features: Features, labels: number[], numClasses: number, options: FitOptions = {}): Promise<FitResult> {
  const lexical = options.lexical ?? (features.texts ? fitLexical(features.texts) : undefined);
  return fitDesign(buildDesign(features.dense, features.texts, lexical), labels, numClasses, options);
}

/** {@link fitHead} on a prebuilt design (cross-validation transforms texts once, then subsets). */
export async function fitDesign(
  design: Design,
  labels: number[],
  numClasses: number,
  options: FitOptions & { lossTolerance?: number } = {},
): Promise<FitResult> {
  const started = performance.now();
  checkLabels(design, labels, numClasses);
  if (!getTensorBackendStatus()) await initTensorBackend();
  const kind = options.kind ?? 'softmax';
  const warmStart = options.warmStart instanceof FittedHead ? options.warmStart : undefined;
  let start = warmStart;
  let l2 = options.l2;
  // Without a selection to calibrate on, keep the warm start's calibration (cross-validation folds).
  let inverseTemperature = options.inverseTemperature ?? warmStart?.state.inverseTemperature ?? 1;
  if (l2 === undefined) {
    const selected = await selectL2(design, labels, numClasses, kind, warmStart, options.seed ?? 0);
    l2 = selected.l2;
    start = selected.head ?? start;
    inverseTemperature = selected.inverseTemperature;
  }
  const trainer = new Trainer(design, labels, numClasses, kind, { warmStart: start, seed: options.seed });
  try {
    const run = trainer.fit(l2, options.maxEpochs ?? DEFAULT_MAX_EPOCHS, options.lossTolerance ?? LOSS_TOLERANCE);
    return { head: trainer.toHead(l2, inverseTemperature), l2, iterations: run.iterations, converged: run.converged, ms: performance.now() - started };
  } finally {
    trainer.dispose();
  }
}

/** Rebuilds a head from {@link Head.serialize} output. */
export function deserializeHead(data: { meta: Record<string, unknown>; weights: Uint8Array }): Head {
  return deserializeFittedHead(data);
}

function checkLabels(design: Design, labels: number[], numClasses: number): void {
  if (labels.length !== design.dense.length) throw new Error(`${labels.length} labels for ${design.dense.length} samples`);
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new Error(`numClasses must be an integer ≥ 2, got ${numClasses}`);
  const bad = labels.find((label) => !Number.isInteger(label) || label < 0 || label >= numClasses);
  if (bad !== undefined) throw new Error(`label ${bad} is outside [0, ${numClasses})`);
  if (new Set(labels).size < 2) throw new Error('a head needs labelled examples of at least two classes');
}

/**
 * Searches the C grid on a stratified 80/20 split. It starts at the warm-start head's C (the last
 * version's choice is the best guess for the next) or at DEFAULT_C, climbs towards weaker L2 while
 * validation improves, and otherwise descends towards stronger L2. Every fit starts from the
 * previous solution, so a step along the path costs a fraction of a fit from zero.
 *
 * The score is validation log-loss after temperature scaling. Log-loss is smooth where accuracy
 * is flat and noisy (on banking77 accuracy barely moves between C = 10 and 1000); uncalibrated
 * log-loss would reward weak L2 merely for sharper probabilities, which the temperature gives
 * any C for free, and weak L2 converges slowly. Returns λ for the full data (same C), the
 * temperature, and the winning split fit as the final fit's starting point.
 */
async function selectL2(
  design: Design,
  labels: number[],
  numClasses: number,
  kind: 'softmax' | 'mlp',
  warmStart: FittedHead | undefined,
  seed: number,
): Promise<{ l2: number; inverseTemperature: number; head?: FittedHead }> {
  const { train, validation } = splitStratified(labels, VALIDATION_FRACTION, seed);
  const n = labels.length;
  if (validation.length < MIN_VALIDATION || new Set(train.map((i) => labels[i])).size < 2) {
    return { l2: 1 / (DEFAULT_C * n), inverseTemperature: warmStart?.state.inverseTemperature ?? 1 };
  }
  const validationDesign = subsetDesign(design, validation);
  const validationLabels = validation.map((i) => labels[i]!);
  const trainer = new Trainer(subsetDesign(design, train), train.map((i) => labels[i]!), numClasses, kind, { warmStart, seed });
  const tried = new Map<number, { nll: number; inverseTemperature: number; head: FittedHead }>();
  const tryC = async (index: number) => {
    const l2 = 1 / (C_GRID[index]! * train.length);
    trainer.fit(l2, PATH_MAX_ITERATIONS, PATH_LOSS_TOLERANCE);
    const head = trainer.toHead(l2);
    const fitted = fitTemperature(validationLabels, head.predictDesign(validationDesign));
    // A fit that diverged (non-finite probabilities) loses: NaN compares false, and would win.
    const nll = Number.isFinite(fitted.nll) && Number.isFinite(fitted.inverse) ? fitted.nll : Infinity;
    tried.set(index, { nll, inverseTemperature: fitted.inverse, head });
    // Let other work (progress events, heartbeats) run between grid points.
    await new Promise((resolve) => setImmediate(resolve));
    return nll;
  };
  try {
    const first = nearestGridIndex(warmStart ? 1 / (warmStart.l2 * warmStart.state.trainedOn) : DEFAULT_C);
    let best = first;
    let bestNll = await tryC(first);
    for (const direction of [1, -1]) {
      for (let index = best + direction; index >= 0 && index < C_GRID.length; index += direction) {
        const nll = await tryC(index);
        if (nll >= bestNll * (1 - MIN_IMPROVEMENT)) break;
        [best, bestNll] = [index, nll];
      }
      // Only look the other way if the first step this way did not help.
      if (best !== first) break;
    }
    const chosen = tried.get(best)!;
    if (!Number.isFinite(chosen.nll)) throw new Error('every L2 tried gave non-finite probabilities on the validation split');
    return { l2: 1 / (C_GRID[best]! * n), inverseTemperature: chosen.inverseTemperature, head: chosen.head };
  } finally {
    trainer.dispose();
  }
}

function nearestGridIndex(c: number): number {
  const distances = C_GRID.map((g) => Math.abs(Math.log(g) - Math.log(Number.isFinite(c) && c > 0 ? c : DEFAULT_C)));
  return distances.indexOf(Math.min(...distances));
}

/**
 * A seeded stratified split: about `fraction` of each class with at least two examples goes to
 * validation (at least one per such class), singletons stay in training.
 */
export function splitStratified(labels: number[], fraction: number, seed: number): { train: number[]; validation: number[] } {
  const random = createRandom(seed * 2654435761 + 7);
  const byClass = new Map<number, number[]>();
  labels.forEach((label, i) => {
    const members = byClass.get(label);
    if (members) members.push(i);
    else byClass.set(label, [i]);
  });
  const train: number[] = [];
  const validation: number[] = [];
  for (const members of byClass.values()) {
    shuffleInPlace(members, random);
    const take = members.length < 2 ? 0 : Math.max(1, Math.round(members.length * fraction));
    validation.push(...members.slice(0, take));
    train.push(...members.slice(take));
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/** Fisher–Yates shuffle with the given generator. */
export function shuffleInPlace<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}
