/**
 * Honest evaluation on the evaluation slice: samples drawn uniformly at random from the project's
 * pool ("random check samples"), labeled through the normal queue, never trained on by the model
 * whose figures they give. The labels the active-learning queue picked are the hard, ambiguous
 * cases, so accuracy measured on them (held out or cross-validated) understates accuracy on the
 * project's data; accuracy on a random sample of the pool estimates it without bias.
 *
 * Every figure carries its sample count and a 95% interval, and two versions are compared on the
 * same samples with an exact McNemar test. Pure and free of TF.js.
 */
import { createRandom } from './random.ts';

/** z for a two-sided 95% interval. */
const Z95 = 1.959963984540054;

/** Wilson score interval for `successes` of `n` (95%): honest near 0 and 1 and for small n. */
export function wilson(successes: number, n: number, z = Z95): [number, number] {
  if (n === 0) return [0, 1];
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  // Exactly 0 or 1 at the ends (rounding would leave 0.9999999999999998).
  return [successes === 0 ? 0 : Math.max(0, centre - half), successes === n ? 1 : Math.min(1, centre + half)];
}

/** A figure with its sample count and 95% interval. */
export interface Estimate {
  value: number;
  low: number;
  high: number;
  n: number;
}

/** What the evaluation slice says about one version. */
export interface SliceEvaluation {
  /** Labeled random check samples the figures were measured on. */
  n: number;
  /**
   * The headline: {@link modelAssistedAccuracy} when there are enough check samples, else the
   * share of check samples right with its Wilson interval (`sliceAccuracy`).
   */
  accuracy: Estimate;
  /** The plain share of check samples the model got right, with its Wilson interval. */
  sliceAccuracy: Estimate;
  /** How `accuracy` was estimated. */
  method: 'model-assisted' | 'check samples';
  /** Macro-F1 over the classes present, with a percentile bootstrap interval. */
  macroF1: Estimate;
  /** Per class (by index): recall and precision with Wilson intervals; support = check samples of the class. */
  perClass: { support: number; predicted: number; precision: Estimate | null; recall: Estimate | null; f1: number }[];
}

/**
 * The slice's accuracy, macro-F1 and per-class figures with intervals. `seed` fixes the bootstrap.
 * With `assist` (the model's confidence on each check sample and its mean confidence over the
 * pool), accuracy is the model-assisted estimate.
 */
export function sliceEvaluation(
  labels: number[],
  predicted: number[],
  numClasses: number,
  seed = 1,
  assist?: { confidence: number[]; poolConfidence: number },
): SliceEvaluation {
  const n = labels.length;
  let correct = 0;
  for (let i = 0; i < n; i += 1) if (labels[i] === predicted[i]) correct += 1;
  const [low, high] = wilson(correct, n);
  const sliceAccuracy = { value: n ? correct / n : 0, low, high, n };
  const assistedRaw = assist && n >= MIN_ASSISTED ? modelAssistedAccuracy(assist.poolConfidence, labels.map((l, i) => l === predicted[i]), assist.confidence) : null;
  // The interval is never narrower than counting alone would give (half of Wilson's width): on
  // banking77 the corrections' spread understated how far one project's check samples can fall
  // from the truth (bench:trust, docs/benchmarks.md).
  const assisted = assistedRaw ? widenTo(assistedRaw, (high - low) / 2) : null;
  const perClass = Array.from({ length: numClasses }, (_, c) => {
    let tp = 0;
    let support = 0;
    let predictedCount = 0;
    for (let i = 0; i < n; i += 1) {
      if (labels[i] === c) support += 1;
      if (predicted[i] === c) predictedCount += 1;
      if (labels[i] === c && predicted[i] === c) tp += 1;
    }
    const precision = predictedCount > 0 ? estimate(tp, predictedCount) : null;
    const recall = support > 0 ? estimate(tp, support) : null;
    const p = precision?.value ?? 0;
    const r = recall?.value ?? 0;
    return { support, predicted: predictedCount, precision, recall, f1: p + r > 0 ? (2 * p * r) / (p + r) : 0 };
  });
  const f1 = macroF1(labels, predicted, numClasses);
  const boot = bootstrapMacroF1(labels, predicted, numClasses, seed);
  return {
    n,
    accuracy: assisted ?? sliceAccuracy,
    sliceAccuracy,
    method: assisted ? 'model-assisted' : 'check samples',
    macroF1: { value: f1, low: Math.min(f1, boot[0]), high: Math.max(f1, boot[1]), n },
    perClass,
  };
}

function widenTo(e: Estimate, half: number): Estimate {
  if (e.value - e.low >= half && e.high - e.value >= half) return e;
  return { ...e, low: Math.max(0, Math.min(e.low, e.value - half)), high: Math.min(1, Math.max(e.high, e.value + half)) };
}

/** Below this many check samples the residuals' spread is too uncertain: the plain Wilson figure is shown. */
export const MIN_ASSISTED = 20;

/**
 * Accuracy on the pool, estimated with the model's help (a difference estimator, as in
 * prediction-powered inference): the model's mean confidence over the whole pool, corrected by how
 * far its confidence on the random check samples is from how often it was right there:
 *
 *   accuracy ≈ mean_pool(confidence) + mean_checks(right − confidence)
 *
 * The check samples are a uniform random sample of the pool and the model never trained on them,
 * so the correction removes any miscalibration on average: unbiased whatever the confidence is
 * like. Its spread is that of (right − confidence), smaller than that of right alone wherever
 * confidence says something about being right, so the interval is narrower than Wilson's on the
 * same samples. 95% interval: t with n − 1 degrees of freedom on the corrections' standard error
 * (their spread floored at what the confidences imply and at one disagreement in n + 1, so no
 * errors seen yet does not mean none).
 */
export function modelAssistedAccuracy(poolConfidence: number, correct: boolean[], confidence: number[]): Estimate {
  const n = correct.length;
  const residuals = correct.map((c, i) => (c ? 1 : 0) - confidence[i]!);
  const mean = residuals.reduce((a, b) => a + b, 0) / n;
  // The residuals' spread, but never below what the confidences themselves imply (mean c(1 − c)):
  // a model right on every check sample so far has residuals near 0, yet its rare errors exist.
  const observed = residuals.reduce((a, r) => a + (r - mean) ** 2, 0) / Math.max(1, n - 1);
  const implied = confidence.reduce((a, c) => a + c * (1 - c), 0) / n;
  // And never below one disagreement in n + 1 (a confidence of exactly 1 implies no spread at all).
  const oneIn = n / (n + 1) ** 2;
  const variance = Math.max(observed, implied, oneIn);
  const value = Math.min(1, Math.max(0, poolConfidence + mean));
  const half = tQuantile975(n - 1) * Math.sqrt(variance / n);
  return { value, low: Math.max(0, value - half), high: Math.min(1, value + half), n };
}

/** The 97.5th percentile of Student's t (Cornish–Fisher expansion; within 0.01 for df ≥ 5). */
export function tQuantile975(df: number): number {
  const z = Z95;
  if (!Number.isFinite(df) || df > 1e6) return z;
  const d = Math.max(1, df);
  return z + (z ** 3 + z) / (4 * d) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * d * d) + (3 * z ** 7 + 19 * z ** 5 + 17 * z ** 3 - 15 * z) / (384 * d ** 3);
}

function estimate(successes: number, n: number): Estimate {
  const [low, high] = wilson(successes, n);
  return { value: successes / n, low, high, n };
}

/** Macro-F1 over classes present in the labels or the predictions (as scikit-learn and {@link Metrics}). */
export function macroF1(labels: number[], predicted: number[], numClasses: number): number {
  const tp = new Float64Array(numClasses);
  const support = new Float64Array(numClasses);
  const guessed = new Float64Array(numClasses);
  for (let i = 0; i < labels.length; i += 1) {
    support[labels[i]!]! += 1;
    guessed[predicted[i]!]! += 1;
    if (labels[i] === predicted[i]) tp[labels[i]!]! += 1;
  }
  let sum = 0;
  let classes = 0;
  for (let c = 0; c < numClasses; c += 1) {
    if (support[c] === 0 && guessed[c] === 0) continue;
    classes += 1;
    const p = guessed[c] ? tp[c]! / guessed[c]! : 0;
    const r = support[c] ? tp[c]! / support[c]! : 0;
    sum += p + r > 0 ? (2 * p * r) / (p + r) : 0;
  }
  return classes ? sum / classes : 0;
}

const BOOTSTRAP_ROUNDS = 400;

/** 2.5th and 97.5th percentiles of macro-F1 over resamples of the slice. */
function bootstrapMacroF1(labels: number[], predicted: number[], numClasses: number, seed: number): [number, number] {
  const n = labels.length;
  if (n === 0) return [0, 1];
  const random = createRandom(seed);
  const values: number[] = [];
  const l = new Array<number>(n);
  const p = new Array<number>(n);
  for (let round = 0; round < BOOTSTRAP_ROUNDS; round += 1) {
    for (let i = 0; i < n; i += 1) {
      const j = Math.floor(random() * n);
      l[i] = labels[j]!;
      p[i] = predicted[j]!;
    }
    values.push(macroF1(l, p, numClasses));
  }
  values.sort((a, b) => a - b);
  return [values[Math.floor(0.025 * BOOTSTRAP_ROUNDS)]!, values[Math.ceil(0.975 * BOOTSTRAP_ROUNDS) - 1]!];
}


/** P(X ≥ k) for X ~ Binomial(n, 1/2), exactly (log space, so n in the thousands is fine). */
export function binomialUpperTail(k: number, n: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let logTerm = -n * Math.LN2; // log C(n,0) / 2^n
  let total = 0;
  for (let i = 0; i <= n; i += 1) {
    if (i >= k) total += Math.exp(logTerm);
    logTerm += Math.log((n - i) / (i + 1));
  }
  return Math.min(1, total);
}

/** Paired comparison of two models on the same samples. */
export interface PairedComparison {
  /** Samples both were measured on. */
  n: number;
  /** Right by the candidate only, by the live model only. */
  candidateOnly: number;
  liveOnly: number;
  candidateCorrect: number;
  liveCorrect: number;
  /** One-sided exact McNemar p-value for "the candidate is worse". */
  pWorse: number;
  /** And for "the candidate is better". */
  pBetter: number;
}

/**
 * McNemar's exact test on the discordant pairs: of the samples where exactly one model is right,
 * under "equally accurate" each is the candidate's with probability 1/2.
 */
export function comparePaired(truth: number[], candidate: number[], live: number[]): PairedComparison {
  let candidateOnly = 0;
  let liveOnly = 0;
  let candidateCorrect = 0;
  let liveCorrect = 0;
  for (let i = 0; i < truth.length; i += 1) {
    const c = candidate[i] === truth[i];
    const l = live[i] === truth[i];
    if (c) candidateCorrect += 1;
    if (l) liveCorrect += 1;
    if (c && !l) candidateOnly += 1;
    if (l && !c) liveOnly += 1;
  }
  const discordant = candidateOnly + liveOnly;
  return {
    n: truth.length,
    candidateOnly,
    liveOnly,
    candidateCorrect,
    liveCorrect,
    pWorse: binomialUpperTail(liveOnly, discordant),
    pBetter: binomialUpperTail(candidateOnly, discordant),
  };
}

/**
 * Where the random check samples go in the queue: at every `every`-th place (every 10th: ranks 9,
 * 19, 29…), the rest in the strategy's order. Returns sample ids in queue order.
 */
export function interleaveChecks<T>(ranked: T[], checks: T[], every: number | null): T[] {
  if (!every || checks.length === 0) return [...ranked, ...checks];
  const out: T[] = [];
  let r = 0;
  let c = 0;
  while (r < ranked.length || c < checks.length) {
    if ((out.length + 1) % every === 0 && c < checks.length) out.push(checks[c++]!);
    else if (r < ranked.length) out.push(ranked[r++]!);
    else out.push(checks[c++]!);
  }
  return out;
}

/**
 * Check samples kept waiting in the queue: enough for the first ~200 places the annotators reach,
 * and in a smaller pool no more than its share (`poolSize` unlabeled samples).
 */
export function pendingChecksWanted(every: number | null, poolSize = Infinity, depth = 200): number {
  return every ? Math.ceil(Math.min(depth, poolSize) / every) : 0;
}

/** The slice is too small to compare two versions below this many shared samples. */
export const MIN_PAIRED = 10;
/** A candidate is kept back only when it is worse with p below this (one-sided McNemar). */
export const WORSE_P = 0.05;

/** The promotion rule, stated once: the Models page shows it. */
export const PROMOTION_RULE =
  `A new version goes live unless it is credibly worse than the live one: both are compared on the same random check samples (drawn at random from the pool, labeled through the queue, never trained on by the models compared) with an exact McNemar test, and the new version is kept back only when it gets fewer of them right with p < ${WORSE_P}. Otherwise newer labels win. With fewer than ${MIN_PAIRED} check samples to compare on, the newest version goes live. The live model then also learns from the check samples; leads can pin any version.`;

export interface PromotionDecision {
  promote: boolean;
  reason: string;
  comparison: PairedComparison | null;
}

/**
 * Decides promotion from the candidate's and the live version's predictions on the same labeled
 * check samples. `candidate` and `live` map sample id → predicted class; `truth` maps sample id →
 * the current resolved class (a relabel after training counts against the model that missed it).
 */
export function decidePromotion(input: {
  candidateName: string;
  liveName: string | null;
  truth: Map<number, number>;
  candidate: Map<number, number>;
  /** Undefined: the live version was not measured on check samples (older, or trained without them). */
  live: Map<number, number> | undefined;
}): PromotionDecision {
  const { candidateName: cand, liveName: live } = input;
  if (live === null) return { promote: true, reason: 'first version', comparison: null };
  if (!input.live) return { promote: true, reason: `${live} was not measured on random check samples: newer labels win`, comparison: null };
  const shared = [...input.candidate.keys()].filter((id) => input.live!.has(id) && input.truth.has(id));
  if (shared.length < MIN_PAIRED) {
    return { promote: true, reason: `only ${shared.length} random check ${shared.length === 1 ? 'sample' : 'samples'} to compare ${cand} and ${live} on (needs ${MIN_PAIRED}): newer labels win`, comparison: null };
  }
  const truth = shared.map((id) => input.truth.get(id)!);
  const comparison = comparePaired(truth, shared.map((id) => input.candidate.get(id)!), shared.map((id) => input.live!.get(id)!));
  const diff = comparison.candidateCorrect - comparison.liveCorrect;
  const of = `of ${comparison.n} random check samples`;
  const p = (x: number) => (x < 0.001 ? '< 0.001' : `= ${x.toFixed(3)}`);
  if (comparison.pWorse < WORSE_P) {
    return { promote: false, reason: `${cand} is credibly worse than ${live}: ${-diff} fewer ${of} right (McNemar p ${p(comparison.pWorse)}); kept ${live} live`, comparison };
  }
  if (comparison.pBetter < WORSE_P) return { promote: true, reason: `${cand} is credibly better than ${live}: ${diff} more ${of} right (McNemar p ${p(comparison.pBetter)})`, comparison };
  const signed = diff > 0 ? `+${diff}` : diff < 0 ? `−${-diff}` : '±0';
  return { promote: true, reason: `${cand} is not credibly different from ${live} (${signed} ${of}); newer labels win`, comparison };
}
