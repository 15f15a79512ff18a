import { describe, expect, it } from 'vitest';
import { createRandom } from './random.ts';
import { binomialUpperTail, comparePaired, decidePromotion, interleaveChecks, MIN_PAIRED, modelAssistedAccuracy, pendingChecksWanted, sliceEvaluation, tQuantile975, wilson } from './evaluation.ts';

describe('wilson', () => {
  it('matches published 95% intervals', () => {
    // Newcombe (1998), Statistics in Medicine 17:857, table I: 0/10 → 0–0.2775, 5/10 → 0.2366–0.7634, 81/263 → 0.2553–0.3662.
    const [a, b] = wilson(0, 10);
    expect(a).toBe(0);
    expect(b).toBeCloseTo(0.2775, 4);
    const [c, d] = wilson(5, 10);
    expect(c).toBeCloseTo(0.2366, 4);
    expect(d).toBeCloseTo(0.7634, 4);
    const [e, f] = wilson(81, 263);
    expect(e).toBeCloseTo(0.2553, 4);
    expect(f).toBeCloseTo(0.3662, 4);
  });

  it('says nothing is known without samples', () => {
    expect(wilson(0, 0)).toEqual([0, 1]);
  });
});

describe('binomialUpperTail', () => {
  it('is exact', () => {
    // P(X ≥ 8), X ~ Bin(10, 1/2) = (45 + 10 + 1) / 1024.
    expect(binomialUpperTail(8, 10)).toBeCloseTo(56 / 1024, 12);
    expect(binomialUpperTail(0, 10)).toBe(1);
    expect(binomialUpperTail(11, 10)).toBe(0);
    // Large n stays finite and symmetric around n/2.
    expect(binomialUpperTail(2001, 4000)).toBeCloseTo(0.5 - 0.5 * 0.0126, 2);
  });
});

describe('comparePaired', () => {
  it('counts discordant pairs and gives one-sided McNemar p-values', () => {
    const truth = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1];
    const live = [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1];
    const cand = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1];
    const result = comparePaired(truth, cand, live);
    expect(result).toMatchObject({ n: 12, candidateOnly: 1, liveOnly: 8, candidateCorrect: 4, liveCorrect: 11 });
    // 8 or more of 9 discordant pairs against the candidate: (9 + 1) / 512.
    expect(result.pWorse).toBeCloseTo(10 / 512, 12);
    expect(result.pBetter).toBeCloseTo(1 - 1 / 512, 12);
  });
});

describe('sliceEvaluation', () => {
  it('gives accuracy with a Wilson interval, macro-F1 with a bootstrap interval, and per-class counts', () => {
    const labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2];
    const predicted = [0, 0, 0, 1, 1, 1, 1, 0, 2, 2];
    const e = sliceEvaluation(labels, predicted, 3);
    expect(e.n).toBe(10);
    expect(e.accuracy.value).toBeCloseTo(0.8);
    const [low, high] = wilson(8, 10);
    expect(e.accuracy.low).toBeCloseTo(low);
    expect(e.accuracy.high).toBeCloseTo(high);
    expect(e.macroF1.value).toBeCloseTo((0.75 + 0.75 + 1) / 3);
    expect(e.macroF1.low).toBeLessThan(e.macroF1.value);
    expect(e.macroF1.high).toBeGreaterThan(e.macroF1.value - 1e-9);
    expect(e.perClass[2]).toMatchObject({ support: 2, predicted: 2, f1: 1 });
    expect(e.perClass[0]!.recall).toMatchObject({ value: 0.75, n: 4 });
    // Same seed, same interval.
    expect(sliceEvaluation(labels, predicted, 3).macroF1).toEqual(e.macroF1);
  });
});

describe('interleaveChecks', () => {
  it('puts a check sample at every n-th place and the strategy order in between', () => {
    const ranked = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    expect(interleaveChecks(ranked, ['X', 'Y'], 3)).toEqual(['a', 'b', 'X', 'c', 'd', 'Y', 'e', 'f', 'g']);
    // Checks left over go after the ranked ones; off puts them last.
    expect(interleaveChecks(['a'], ['X', 'Y'], 3)).toEqual(['a', 'X', 'Y']);
    expect(interleaveChecks(ranked, ['X'], null)).toEqual([...ranked, 'X']);
    expect(pendingChecksWanted(10)).toBe(20);
    expect(pendingChecksWanted(10, 45)).toBe(5);
    expect(pendingChecksWanted(null)).toBe(0);
  });
});

describe('decidePromotion', () => {
  const ids = Array.from({ length: 50 }, (_, i) => i + 1);
  const truth = new Map(ids.map((id) => [id, id % 3]));
  const rightOn = (wrong: Set<number>) => new Map(ids.map((id) => [id, wrong.has(id) ? (id + 1) % 3 : id % 3]));

  it('promotes the first version', () => {
    expect(decidePromotion({ candidateName: 'v1', liveName: null, truth, candidate: rightOn(new Set()), live: undefined })).toMatchObject({ promote: true, reason: 'first version' });
  });

  it('lets newer labels win over a one-sample difference, and says so in plain words', () => {
    const live = rightOn(new Set([1, 2, 3]));
    const cand = rightOn(new Set([1, 2, 3, 4]));
    const d = decidePromotion({ candidateName: 'v24', liveName: 'v22', truth, candidate: cand, live });
    expect(d.promote).toBe(true);
    expect(d.reason).toBe('v24 is not credibly different from v22 (−1 of 50 random check samples); newer labels win');
  });

  it('keeps back a version that is credibly worse on the same samples', () => {
    const live = rightOn(new Set([1]));
    const cand = rightOn(new Set([1, 2, 3, 4, 5, 6, 7, 8]));
    const d = decidePromotion({ candidateName: 'v9', liveName: 'v8', truth, candidate: cand, live });
    expect(d.promote).toBe(false);
    expect(d.reason).toMatch(/^v9 is credibly worse than v8: 7 fewer of 50 random check samples right \(McNemar p = 0\.008\); kept v8 live$/);
    expect(d.comparison).toMatchObject({ candidateOnly: 0, liveOnly: 7 });
  });

  it('compares only samples both versions were measured on, and needs enough of them', () => {
    const live = new Map([...rightOn(new Set()).entries()].slice(0, MIN_PAIRED - 1));
    const cand = rightOn(new Set(ids));
    const d = decidePromotion({ candidateName: 'v3', liveName: 'v2', truth, candidate: cand, live });
    expect(d).toMatchObject({ promote: true, comparison: null });
    expect(d.reason).toBe(`only ${MIN_PAIRED - 1} random check samples to compare v3 and v2 on (needs ${MIN_PAIRED}): newer labels win`);
    expect(decidePromotion({ candidateName: 'v3', liveName: 'v2', truth, candidate: cand, live: undefined }).reason).toBe('v2 was not measured on random check samples: newer labels win');
  });

  it('judges against the current labels: a relabel after training counts against the model that missed it', () => {
    const live = rightOn(new Set());
    const cand = new Map(live);
    const relabeled = new Map(truth);
    for (const id of ids.slice(0, 12)) {
      relabeled.set(id, (id + 2) % 3);
      cand.set(id, (id + 2) % 3);
    }
    const d = decidePromotion({ candidateName: 'v5', liveName: 'v4', truth: relabeled, candidate: cand, live });
    expect(d.promote).toBe(true);
    expect(d.reason).toMatch(/^v5 is credibly better than v4: 12 more of 50/);
  });
});

describe('modelAssistedAccuracy', () => {
  it('corrects the pool confidence by the errors on the check samples, with a t interval', () => {
    // Confidence 0.8 everywhere, right on 6 of 10: the model is overconfident by 0.2.
    const correct = [true, true, true, true, true, true, false, false, false, false];
    const e = modelAssistedAccuracy(0.8, correct, correct.map(() => 0.8));
    expect(e.value).toBeCloseTo(0.6, 12);
    // Residuals 0.2 ×6 and −0.8 ×4: sample variance 0.2667, t(9) = 2.262.
    const half = tQuantile975(9) * Math.sqrt(0.26666666666666666 / 10);
    expect(e.low).toBeCloseTo(0.6 - half, 10);
    expect(e.high).toBeCloseTo(0.6 + half, 10);
    expect(tQuantile975(9)).toBeCloseTo(2.262, 2);
    expect(tQuantile975(29)).toBeCloseTo(2.045, 2);
  });

  it('never collapses to a zero-width interval when every check sample was right', () => {
    const correct = Array.from({ length: 30 }, () => true);
    const e = modelAssistedAccuracy(0.95, correct, correct.map(() => 0.95));
    expect(e.value).toBeCloseTo(1, 12);
    // Floored at the variance the confidences imply: 0.95 × 0.05 (above one in 31).
    expect(e.low).toBeCloseTo(1 - tQuantile975(29) * Math.sqrt((0.95 * 0.05) / 30), 10);
    // And at one disagreement in n + 1 when the confidences are exactly 1.
    const certain = modelAssistedAccuracy(1, correct, correct.map(() => 1));
    expect(certain.low).toBeCloseTo(1 - tQuantile975(29) * Math.sqrt(30 / 31 ** 2 / 30), 10);
  });

  it('is unbiased where plain confidence is not: on simulated pools its mean error is near zero', () => {
    const random = createRandom(4);
    let error = 0;
    const runs = 400;
    for (let run = 0; run < runs; run += 1) {
      // A pool of 2,000 whose confidences overstate accuracy by about 10 points.
      const conf = Array.from({ length: 2000 }, () => 0.5 + 0.5 * random());
      const right = conf.map((c) => random() < c - 0.1);
      const truth = right.filter(Boolean).length / right.length;
      const checks = Array.from({ length: 40 }, () => Math.floor(random() * conf.length));
      const poolConfidence = conf.reduce((a, b) => a + b, 0) / conf.length;
      error += modelAssistedAccuracy(poolConfidence, checks.map((i) => right[i]!), checks.map((i) => conf[i]!)).value - truth;
    }
    expect(Math.abs(error / runs)).toBeLessThan(0.01);
  });
});

describe('sliceEvaluation with model assistance', () => {
  it('uses the model-assisted value from 20 check samples, never with a narrower interval than counting', () => {
    const labels = Array.from({ length: 40 }, (_, i) => i % 2);
    const predicted = labels.map((l, i) => (i < 30 ? l : 1 - l));
    // Confidences that predict correctness well: high where right, low where wrong.
    const confidence = predicted.map((_, i) => (i < 30 ? 0.95 : 0.3));
    const e = sliceEvaluation(labels, predicted, 2, 1, { confidence, poolConfidence: 0.8 });
    expect(e.method).toBe('model-assisted');
    expect(e.sliceAccuracy.value).toBeCloseTo(0.75);
    // 0.8 + mean(right − confidence) = 0.8 + (30 × 0.05 − 10 × 0.3) / 40.
    expect(e.accuracy.value).toBeCloseTo(0.8 + (30 * 0.05 - 10 * 0.3) / 40, 10);
    const [low, high] = wilson(30, 40);
    expect(e.accuracy.high - e.accuracy.low).toBeGreaterThanOrEqual(high - low - 1e-12);
    // Fewer than 20: the plain share with its Wilson interval.
    const few = sliceEvaluation(labels.slice(0, 10), predicted.slice(0, 10), 2, 1, { confidence: confidence.slice(0, 10), poolConfidence: 0.8 });
    expect(few.method).toBe('check samples');
    expect(few.accuracy).toEqual(few.sliceAccuracy);
  });
});
