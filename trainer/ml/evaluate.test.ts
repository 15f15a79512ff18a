import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from './backend.ts';
import { assignFolds, crossValidate, crossValidatedProba, planFolds } from './evaluate.ts';
import { fitHead } from './head.ts';
import { createRandom } from './head-fit.ts';
import { argmax } from './metrics.ts';

beforeAll(async () => {
  await initTensorBackend({ log: () => {} });
});

describe('assignFolds', () => {
  it('partitions the examples into stratified folds of equal size', () => {
    const labels = Array.from({ length: 103 }, (_, i) => (i < 80 ? 0 : i < 100 ? 1 : 2));
    const folds = assignFolds(labels, 5, 1);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    for (const fold of folds) {
      expect(fold.length).toBeGreaterThanOrEqual(20);
      expect(fold.filter((i) => labels[i] === 0)).toHaveLength(16);
      expect(fold.filter((i) => labels[i] === 1)).toHaveLength(4);
    }
  });
});

describe('planFolds', () => {
  it('keeps every known sample in its fold and deals new ones to keep folds stratified', () => {
    const labels = Array.from({ length: 100 }, (_, i) => (i < 70 ? 0 : 1));
    const keys = labels.map((_, i) => `k${i}`);
    const first = planFolds(keys, labels, 5, 1);
    expect(new Set(first.foldOf.values())).toEqual(new Set([0, 1, 2, 3, 4]));
    // 30 more labels arrive, all of class 1, and two earlier samples are gone (unlabeled).
    const moreLabels = [...labels.slice(2), ...Array<number>(30).fill(1)];
    const moreKeys = [...keys.slice(2), ...Array.from({ length: 30 }, (_, i) => `new${i}`)];
    const next = planFolds(moreKeys, moreLabels, 5, 1, first);
    for (const key of keys.slice(2)) expect(next.foldOf.get(key)).toBe(first.foldOf.get(key));
    expect(next.foldOf.has('k0')).toBe(false);
    for (const label of [0, 1]) {
      const perFold = [0, 1, 2, 3, 4].map((fold) => moreKeys.filter((key, i) => moreLabels[i] === label && next.foldOf.get(key) === fold).length);
      expect(Math.max(...perFold) - Math.min(...perFold)).toBeLessThanOrEqual(1);
    }
    // A different fold count cannot keep the plan: it is dealt afresh.
    expect(planFolds(moreKeys, moreLabels, 3, 1, first).k).toBe(3);
  });
});

describe('crossValidatedProba', () => {
  // Two noisy classes in 6 dimensions: out-of-fold accuracy must be well above chance but, unlike
  // the training accuracy of a memorising model, honest.
  const random = createRandom(3);
  const labels = Array.from({ length: 300 }, (_, i) => i % 2);
  const dense = labels.map((label) => Float32Array.from({ length: 6 }, (_, k) => (k === 0 ? label * 1.5 : 0) + 2 * (random() - 0.5)));

  it('returns a probability vector for every example, from models that did not see it', async () => {
    const fit = await fitHead({ dense }, labels, 2);
    const oof = await crossValidatedProba({ dense }, labels, 2, { l2: fit.l2, warmStart: fit.head, folds: 5 });
    expect(oof).toHaveLength(labels.length);
    for (const row of oof) expect(row[0]! + row[1]!).toBeCloseTo(1, 5);
    const accuracy = labels.filter((label, i) => argmax(oof[i]!) === label).length / labels.length;
    expect(accuracy).toBeGreaterThan(0.7);
    expect(accuracy).toBeLessThan(0.98);
  });

  it('starts each fold from the previous fold head when the plan carries over', async () => {
    const fit = await fitHead({ dense }, labels, 2);
    const keys = labels.map((_, i) => `row${i}`);
    const before = await crossValidate({ dense: dense.slice(0, 280) }, labels.slice(0, 280), 2, { l2: fit.l2, warmStart: fit.head, folds: 5, keys: keys.slice(0, 280) });
    expect(before.cleanStarts).toBe(0);
    const after = await crossValidate({ dense }, labels, 2, { l2: fit.l2, warmStart: fit.head, folds: 5, keys, previous: before });
    expect(after.cleanStarts).toBe(5);
    expect(after.heads.every((head) => head !== undefined)).toBe(true);
    const accuracy = labels.filter((label, i) => argmax(after.proba[i]!) === label).length / labels.length;
    expect(accuracy).toBeGreaterThan(0.7);
    expect(accuracy).toBeLessThan(0.98);
  });

  it('chooses the L2 itself and survives folds that miss a class', async () => {
    const tiny = [0, 0, 0, 0, 1, 1, 1, 1, 2];
    const points = tiny.map((label) => Float32Array.of(label, 1 - label));
    const oof = await crossValidatedProba({ dense: points }, tiny, 3, { folds: 3 });
    expect(oof).toHaveLength(tiny.length);
    expect(oof.every((row) => [...row].every(Number.isFinite))).toBe(true);
  });
});
