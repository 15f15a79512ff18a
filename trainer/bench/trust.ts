/**
 * `npm run bench:trust`: can a lead believe the Models and Monitoring pages?
 *
 * 1. Accuracy and promotion. A simulated annotator labels banking77's pool (train.csv, 10,003
 *    texts) truthfully from the queue as the product builds it: the live model's strategy order
 *    with a random check sample at every --check-every-th place (the same random walk over the
 *    pool as db/evaluation.ts), --batch labels per version. Every version is trained, measured
 *    and promoted by the trainer's own code (trainVersion, decidePromotion). For each version it
 *    prints the accuracy the Models page shows (on the labeled check samples, with its 95% interval)
 *    next to the accuracy on banking77's test.csv (3,080 texts nobody labeled) of the model that
 *    figure describes (the evaluation model) and of the served model, and which version is live.
 * 2. Drift. Repeated checks of traffic like the pool (banking77 test texts; CLINC150 in-scope test
 *    texts against a CLINC150 pool) must stay at the stated false-alarm rate; CLINC150's
 *    out-of-scope texts and a class-prior shift of banking77 traffic must be found.
 *
 * Ends with the targets, pass or fail, and a JSON line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { initTensorBackend } from '../ml/backend.ts';
import { readDataset, type LabeledRow } from '../cli/dataset.ts';
import { embedRows } from '../cli/embed-rows.ts';
import { createRandom, shuffle } from '../ml/simulate.ts';
import { rankPool } from '../ml/strategies.ts';
import { featuresOf, trainVersion, type Example, type WarmState } from '../ml/train-version.ts';
import { decidePromotion, interleaveChecks, pendingChecksWanted } from '../ml/evaluation.ts';
import { DRIFT_ALPHA, driftAlarm, testDrift, testLabelShift } from '../ml/drift.ts';
import { argmax } from '../ml/metrics.ts';
import type { Head } from '../ml/head.ts';

const { values } = parseArgs({
  options: {
    labels: { type: 'string', default: '1500' },
    initial: { type: 'string', default: '100' },
    batch: { type: 'string', default: '50' },
    'check-every': { type: 'string', default: '10' },
    strategy: { type: 'string', default: 'diverse-margin' },
    checks: { type: 'string', default: '30' },
    seed: { type: 'string', default: '1' },
    'skip-drift': { type: 'boolean', default: false },
    'skip-accuracy': { type: 'boolean', default: false },
    /** Which model ranks the queue: the served one (as the product does) or the evaluation model. */
    'rank-with': { type: 'string', default: 'served' },
  },
});
const LABELS = Number(values.labels);
const INITIAL = Number(values.initial);
const BATCH = Number(values.batch);
const CHECK_EVERY = Number(values['check-every']);
const DRIFT_CHECKS = Number(values.checks);
const SEED = Number(values.seed);
const STRATEGY = values.strategy as 'diverse-margin';
for (const [name, n] of Object.entries({ LABELS, INITIAL, BATCH, CHECK_EVERY, DRIFT_CHECKS, SEED })) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name.toLowerCase().replace('_', '-')} must be a positive whole number`);
}

const root = fileURLToPath(new URL('../..', import.meta.url));
const datasets = path.join(root, '..', 'shared', 'datasets');
const cacheDir = path.join(root, '.sift', 'cache');
const tensor = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
const started = performance.now();

interface Split {
  rows: LabeledRow[];
  vectors: Float32Array[];
}
async function load(rows: LabeledRow[]): Promise<Split> {
  return { rows, vectors: (await embedRows(rows, 'text', { cacheDir })).vectors };
}
const banking = (file: string) => readDataset({ file: path.join(datasets, 'banking77', file), textField: 'text', labelField: 'category' }).rows;
const pool = await load(banking('train.csv'));
const test = await load(banking('test.csv'));
const classes = [...new Set(pool.rows.map((r) => r.label))].sort();
const classOf = new Map(classes.map((c, i) => [c, i]));
const testLabels = test.rows.map((r) => classOf.get(r.label)!);
const asExamples = (split: Split, name: string): Example[] => split.rows.map((r, i) => ({ key: `${name}${i}`, vector: split.vectors[i]!, text: r.input as string, label: null }));
const testExamples = asExamples(test, 'test');
// 1,500 pool texts set aside: never labeled, never in the queue. Accuracy on them is accuracy on
// fresh data exactly like the pool (test.csv is class-balanced, the pool is not).
const setAside = new Set(shuffle(pool.rows.map((_, i) => i), createRandom(4242)).slice(0, 1500));
const subset = (split: Split, keep: (i: number) => boolean): Split => ({ rows: split.rows.filter((_, i) => keep(i)), vectors: split.vectors.filter((_, i) => keep(i)) });
const labelPool = subset(pool, (i) => !setAside.has(i));
const fresh = subset(pool, (i) => setAside.has(i));
const labelPoolLabels = labelPool.rows.map((r) => classOf.get(r.label)!);
const freshExamples = asExamples(fresh, 'fresh');
const freshLabels = fresh.rows.map((r) => classOf.get(r.label)!);
const accuracyOn = (head: Head, examples: Example[], labels: number[]) => {
  const proba = head.predictProba(featuresOf(examples, true));
  return proba.reduce((right, p, i) => right + (argmax(p) === labels[i] ? 1 : 0), 0) / labels.length;
};

console.log(`${tensor.backend}; banking77: pool ${pool.rows.length} texts (${labelPool.rows.length} to label, ${fresh.rows.length} set aside), test ${test.rows.length}, ${classes.length} classes`);

// ---------------------------------------------------------------------------------------------
// 1. Accuracy shown vs accuracy on test.csv, and promotion.
interface VersionRow {
  version: number;
  labels: number;
  checks: number;
  shown: number | null;
  /** The plain share of check samples right (what the model-assisted figure improves on). */
  plain: number | null;
  low: number | null;
  high: number | null;
  cv: number;
  testEval: number;
  /** The evaluation model on the 1,500 pool texts set aside. */
  freshEval: number;
  testServed: number;
  promoted: boolean;
  reason: string;
  liveVersion: number;
  liveTest: number;
  bestTest: number;
}
const versions: VersionRow[] = [];
let accuracySummary: Record<string, unknown> = {};
let sliceParts: Record<string, { n: number; accuracy: number }> = {};
if (!values['skip-accuracy']) {
  // The fixed random walk over the pool (db/evaluation.ts walks md5 order; any fixed random order is the same draw).
  const walk = shuffle(labelPool.rows.map((_, i) => i), createRandom(SEED + 7));
  let walked = 0;
  const examples: Example[] = asExamples(labelPool, 'pool').map((e) => ({ ...e, check: false }));
  const labeled = new Set<number>();
  const waiting: number[] = [];
  /** Check samples the walk passed after the queue had labeled them. */
  const passed = new Set<number>();
  const topUpChecks = () => {
    const wanted = pendingChecksWanted(CHECK_EVERY, examples.length - labeled.size);
    while (waiting.length < wanted && walked < walk.length) {
      const i = walk[walked++]!;
      examples[i]!.check = true;
      if (!labeled.has(i)) waiting.push(i);
      else passed.add(i);
    }
  };
  const label = (i: number) => {
    labeled.add(i);
    examples[i]!.label = labelPoolLabels[i]!;
    const w = waiting.indexOf(i);
    if (w >= 0) waiting.splice(w, 1);
  };
  /** The queue as score.processor builds it: the strategy order with the waiting checks interleaved. */
  const queue = (head: Head | undefined): number[] => {
    topUpChecks();
    const unlabeled = examples.flatMap((e, i) => (labeled.has(i) ? [] : [i]));
    const isWaiting = new Set(waiting);
    const proba = head ? head.predictProba(featuresOf(unlabeled.map((i) => examples[i]!), true)) : undefined;
    const order = rankPool(head ? STRATEGY : 'diverse-margin', { proba, embeddings: unlabeled.map((i) => examples[i]!.vector), batchSize: 20, seed: SEED + labeled.size });
    const ranked = order.map((k) => unlabeled[k]!).filter((i) => !isWaiting.has(i));
    return interleaveChecks(ranked, waiting.filter((i) => !labeled.has(i)), CHECK_EVERY);
  };

  let live: { version: number; head: Head; evaluated: Map<number, number>; test: number } | undefined;
  let warm: WarmState | undefined;
  let best = 0;
  for (const i of queue(undefined).slice(0, INITIAL)) label(i);
  console.log('\nversion  labels  checks  shown (95% interval)    CV      test(eval)  fresh(eval)  test(served)  live  live test  best test  promoted: reason');
  for (let version = 1; labeled.size <= LABELS; version += 1) {
    const trained = await trainVersion(examples, classes.length, { kind: 'softmax', seed: SEED, previous: warm });
    warm = trained.warmState;
    const evaluated = new Map(trained.evaluation.indices.map((i, k) => [i, trained.evaluation.predicted[k]!]));
    const truth = new Map([...labeled].filter((i) => examples[i]!.check).map((i) => [i, labelPoolLabels[i]!]));
    const decision = decidePromotion({ candidateName: `v${version}`, liveName: live ? `v${live.version}` : null, truth, candidate: evaluated, live: live && live.evaluated.size > 0 ? live.evaluated : undefined });
    const testServed = accuracyOn(trained.head, testExamples, testLabels);
    const testEval = accuracyOn(trained.warmState.head, testExamples, testLabels);
    const freshEval = accuracyOn(trained.warmState.head, freshExamples, freshLabels);
    best = Math.max(best, testServed);
    if (labeled.size >= LABELS) {
      // Where the slice's figure comes from: check samples served as such, and those the walk passed already labeled.
      const evalRight = (i: number) => trained.evaluation.predicted[trained.evaluation.indices.indexOf(i)] === labelPoolLabels[i];
      const slice = trained.evaluation.indices;
      const part = (keep: (i: number) => boolean) => {
        const members = slice.filter(keep);
        return { n: members.length, accuracy: members.filter(evalRight).length / Math.max(1, members.length) };
      };
      const served = part((i) => !passed.has(i));
      const passedLabeled = part((i) => passed.has(i));
      sliceParts = { served, passedLabeled };
      console.log(`slice at the end: ${served.n} served as check samples, ${(served.accuracy * 100).toFixed(1)}% right; ${passedLabeled.n} passed already labeled by the queue, ${(passedLabeled.accuracy * 100).toFixed(1)}% right`);
    }
    if (decision.promote) live = { version, head: trained.head, evaluated, test: testServed };
    const e = trained.metrics.evaluation;
    const row: VersionRow = {
      version,
      labels: labeled.size,
      checks: e?.n ?? 0,
      shown: e?.accuracy.value ?? null,
      plain: e?.sliceAccuracy.value ?? null,
      low: e?.accuracy.low ?? null,
      high: e?.accuracy.high ?? null,
      cv: trained.metrics.crossValidation.accuracy,
      testEval,
      freshEval,
      testServed,
      promoted: decision.promote,
      reason: decision.reason,
      liveVersion: live!.version,
      liveTest: live!.test,
      bestTest: best,
    };
    versions.push(row);
    const pct = (x: number | null) => (x === null ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`);
    console.log(
      `${String(version).padStart(7)}  ${String(row.labels).padStart(6)}  ${String(row.checks).padStart(6)}  ${pct(row.shown)} (${pct(row.low)}–${pct(row.high)})  ${pct(row.cv)}  ${pct(testEval)}      ${pct(freshEval)}       ${pct(testServed)}       v${String(row.liveVersion).padEnd(3)} ${pct(row.liveTest)}    ${pct(best)}     ${decision.promote ? 'yes' : 'NO '}: ${decision.reason}`,
    );
    if (labeled.size >= LABELS) break;
    for (const i of queue(values['rank-with'] === 'eval' ? trained.warmState.head : live!.head).slice(0, BATCH)) label(i);
  }
  const late = versions.filter((v) => v.labels >= 300 && v.shown !== null);
  const within3 = late.filter((v) => Math.abs(v.shown! - v.testEval) <= 0.03).length;
  const covered = late.filter((v) => v.low! <= v.testEval && v.testEval <= v.high!).length;
  const coveredServed = late.filter((v) => v.low! <= v.testServed && v.testServed <= v.high!).length;
  const meanAbs = late.reduce((s, v) => s + Math.abs(v.shown! - v.testEval), 0) / Math.max(1, late.length);
  const meanSigned = late.reduce((s, v) => s + (v.shown! - v.testEval), 0) / Math.max(1, late.length);
  const meanPlainFresh = late.reduce((s, v) => s + (v.plain! - v.freshEval), 0) / Math.max(1, late.length);
  const meanSignedFresh = late.reduce((s, v) => s + (v.shown! - v.freshEval), 0) / Math.max(1, late.length);
  const coveredFresh = late.filter((v) => v.low! <= v.freshEval && v.freshEval <= v.high!).length;
  const meanCvGap = late.reduce((s, v) => s + (v.cv - v.testEval), 0) / Math.max(1, late.length);
  const worstLiveGap = Math.max(...versions.map((v) => v.bestTest - v.liveTest));
  accuracySummary = {
    versions: versions.length,
    versions300: late.length,
    within3Points: within3,
    intervalCovers: covered,
    intervalCoversServed: coveredServed,
    meanAbsError: meanAbs,
    meanSignedError: meanSigned,
    meanShownMinusFresh: meanSignedFresh,
    meanPlainMinusFresh: meanPlainFresh,
    intervalCoversFresh: coveredFresh,
    meanCvMinusTest: meanCvGap,
    worstLiveBelowBest: worstLiveGap,
    keptBack: versions.filter((v) => !v.promoted).length,
    sliceParts,
  };
  console.log(`\nat 300+ labels (${late.length} versions): shown within 3 points of test accuracy ${within3}/${late.length}; 95% interval covers it ${covered}/${late.length} (${((covered / Math.max(1, late.length)) * 100).toFixed(0)}%; the served model's ${coveredServed}/${late.length})`);
  console.log(`mean |shown − test| ${(meanAbs * 100).toFixed(1)} points, mean shown − test ${(meanSigned * 100).toFixed(1)} points (unbiased: near 0); cross-validation − test ${(meanCvGap * 100).toFixed(1)} points (the queue's picks are hard)`);
  console.log(`against 1,500 pool texts set aside (fresh data like the pool): mean shown − fresh ${(meanSignedFresh * 100).toFixed(1)} points (plain share of check samples right − fresh ${(meanPlainFresh * 100).toFixed(1)}); interval covers it ${coveredFresh}/${late.length}`);
  console.log(`live version's test accuracy at most ${(worstLiveGap * 100).toFixed(1)} points below the best version so far; ${versions.filter((v) => !v.promoted).length} versions kept back`);
}

// ---------------------------------------------------------------------------------------------
// 2. Drift: false alarms on traffic like the pool, detection of out-of-scope traffic and prior shift.
interface DriftScenario {
  name: string;
  checks: number;
  signals: number;
  alarms: number;
  meanEffect: number;
  /** true: drift to find; false: none, must stay quiet; null: reported only. */
  expectDrift: boolean | null;
}
const scenarios: DriftScenario[] = [];
if (!values['skip-drift']) {
  const SIZE = 300;
  const clinc = JSON.parse(readFileSync(path.join(datasets, 'clinc150', 'data_full.json'), 'utf8')) as Record<string, [string, string][]>;
  const clincRows = (pairs: [string, string][]): LabeledRow[] => pairs.map(([text, intent], index) => ({ index, input: text, label: intent, key: text }));
  // The CLINC150 pool: 50 training texts per intent (7,500); in-distribution traffic: its test texts.
  const perIntent = new Map<string, number>();
  const clincPool = await load(clincRows(clinc.train!.filter(([, intent]) => (perIntent.set(intent, (perIntent.get(intent) ?? 0) + 1).get(intent) ?? 0) <= 50)));
  const clincTest = await load(clincRows(clinc.test!));
  const clincOos = await load(clincRows([...clinc.oos_test!, ...clinc.oos_val!]));

  // A model for each pool, to predict labels (label shift) as the live model would: 30 labels per class.
  const modelFor = async (split: Split, perClass: number) => {
    const names = [...new Set(split.rows.map((r) => r.label))].sort();
    const index = new Map(names.map((n, i) => [n, i]));
    const count = new Map<string, number>();
    const examples = asExamples(split, 'drift').map((e, i) => {
      const labelName = split.rows[i]!.label;
      const n = (count.get(labelName) ?? 0) + 1;
      count.set(labelName, n);
      return { ...e, label: n <= perClass ? index.get(labelName)! : null };
    });
    return (await trainVersion(examples, names.length, { kind: 'softmax', seed: 1 })).head;
  };
  const predictLabels = (head: Head, split: Split, picks: number[]) =>
    head.predictProba(featuresOf(picks.map((i) => ({ key: '', vector: split.vectors[i]!, text: split.rows[i]!.input as string, label: null })), true)).map(argmax);

  const bankingHead = await modelFor(pool, 30);
  const clincHead = await modelFor(clincPool, 30);
  const random = createRandom(SEED + 99);
  const pick = (n: number, k: number) => shuffle(Array.from({ length: n }, (_, i) => i), random).slice(0, k);
  /** Indices of `split` drawn with half the mass on five classes: a class-prior shift. */
  const priorShifted = (split: Split, k: number) => {
    const favoured = new Set(classes.slice(0, 5));
    const heavy = shuffle(split.rows.flatMap((r, i) => (favoured.has(r.label) ? [i] : [])), random).slice(0, k / 2);
    const rest = shuffle(split.rows.flatMap((r, i) => (favoured.has(r.label) ? [] : [i])), random).slice(0, k - heavy.length);
    return [...heavy, ...rest];
  };
  /** Test texts drawn with the pool's class mix (test.csv is balanced, the pool is not: raw test traffic is itself a prior shift). */
  const poolMixed = (k: number) => {
    const byClass = new Map<string, number[]>();
    test.rows.forEach((r, i) => byClass.set(r.label, [...(byClass.get(r.label) ?? []), i]));
    const taken = new Set<number>();
    while (taken.size < k) {
      const label = pool.rows[Math.floor(random() * pool.rows.length)]!.label;
      const options = byClass.get(label)!.filter((i) => !taken.has(i));
      if (options.length > 0) taken.add(options[Math.floor(random() * options.length)]!);
    }
    return [...taken];
  };
  const run = (name: string, expectDrift: boolean | null, reference: { split: Split; head: Head }, production: () => { split: Split; picks: number[] }) => {
    let signals = 0;
    let alarms = 0;
    let effect = 0;
    let previous: boolean | null = null;
    for (let c = 0; c < DRIFT_CHECKS; c += 1) {
      const ref = pick(reference.split.rows.length, SIZE);
      const prod = production();
      const mmd = testDrift(prod.picks.map((i) => prod.split.vectors[i]!), ref.map((i) => reference.split.vectors[i]!), { seed: c + 1, alpha: DRIFT_ALPHA / 2 });
      const shift = testLabelShift(predictLabels(reference.head, prod.split, prod.picks), predictLabels(reference.head, reference.split, ref), { seed: c + 1 });
      const signal = mmd.pValue < DRIFT_ALPHA / 2 || shift.pValue < DRIFT_ALPHA / 2;
      if (signal) signals += 1;
      if (driftAlarm(signal, previous)) alarms += 1;
      previous = signal;
      effect += mmd.effect;
    }
    const row = { name, checks: DRIFT_CHECKS, signals, alarms, meanEffect: effect / DRIFT_CHECKS, expectDrift };
    scenarios.push(row);
    console.log(`${name.padEnd(58)} ${String(signals).padStart(3)}/${DRIFT_CHECKS} signal  ${String(alarms).padStart(3)} alarms  effect ${row.meanEffect.toFixed(2)}×`);
  };
  console.log(`\ndrift: ${DRIFT_CHECKS} checks per scenario, ${SIZE} production inputs vs ${SIZE} random pool samples each, alpha ${DRIFT_ALPHA} per check (each test at ${DRIFT_ALPHA / 2}); alarm = two checks in a row`);
  run('banking77 test texts, pool class mix, vs pool (no drift)', false, { split: pool, head: bankingHead }, () => ({ split: test, picks: poolMixed(SIZE) }));
  run('banking77 test texts as they are (balanced) vs pool (info)', null, { split: pool, head: bankingHead }, () => ({ split: test, picks: pick(test.rows.length, SIZE) }));
  run('CLINC150 in-scope test texts vs CLINC150 pool (no drift)', false, { split: clincPool, head: clincHead }, () => ({ split: clincTest, picks: pick(clincTest.rows.length, SIZE) }));
  run('CLINC150 out-of-scope texts vs CLINC150 pool (drift)', true, { split: clincPool, head: clincHead }, () => ({ split: clincOos, picks: pick(clincOos.rows.length, SIZE) }));
  run('banking77 test, half from 5 of 77 classes (prior shift)', true, { split: pool, head: bankingHead }, () => ({ split: test, picks: priorShifted(test, SIZE) }));
}

// ---------------------------------------------------------------------------------------------
const quiet = scenarios.filter((s) => s.expectDrift === false);
const loud = scenarios.filter((s) => s.expectDrift === true);
const quietChecks = quiet.reduce((s, x) => s + x.checks, 0);
const quietSignals = quiet.reduce((s, x) => s + x.signals, 0);
const acc = accuracySummary as { versions300?: number; within3Points?: number; intervalCovers?: number; worstLiveBelowBest?: number };
const targets = {
  shownWithin3Points: acc.versions300 ? acc.within3Points === acc.versions300 : null,
  intervalCovers90: acc.versions300 ? acc.intervalCovers! >= 0.9 * acc.versions300 : null,
  liveWithin2PointsOfBest: acc.worstLiveBelowBest === undefined ? null : acc.worstLiveBelowBest <= 0.02,
  // At most the expected false signals (alpha per check) plus two standard deviations of chance.
  falseSignalsAtMostExpected: quiet.length ? quietSignals <= DRIFT_ALPHA * quietChecks + 2 * Math.sqrt(DRIFT_ALPHA * quietChecks) : null,
  noFalseAlarms: quiet.length ? quiet.every((s) => s.alarms === 0) : null,
  driftDetected90: loud.length ? loud.every((s) => s.signals >= 0.9 * s.checks) : null,
};
console.log(`\ntargets: ${Object.entries(targets).map(([k, v]) => `${k} ${v === null ? 'not run' : v ? 'PASS' : 'FAIL'}`).join('; ')}`);
console.log(`took ${((performance.now() - started) / 1000).toFixed(0)} s`);
console.log(JSON.stringify({ bench: 'trust', backend: tensor.backend, labels: LABELS, batch: BATCH, checkEvery: CHECK_EVERY, strategy: STRATEGY, accuracy: accuracySummary, versions, drift: scenarios, targets }));
