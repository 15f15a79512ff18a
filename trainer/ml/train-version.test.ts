import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from './backend.ts';
import { createRandom } from './simulate.ts';
import { canTrain, trainVersion, type Example } from './train-version.ts';

/** Three Gaussian blobs in 16 dimensions; `labels` decides what each example is labeled as. */
function blobs(perClass: number, seed: number): { examples: Example[]; truth: number[] } {
  const random = createRandom(seed);
  const centers = [0, 1, 2].map(() => Float32Array.from({ length: 16 }, () => random() * 4 - 2));
  const examples: Example[] = [];
  const truth: number[] = [];
  for (let c = 0; c < 3; c += 1) {
    for (let i = 0; i < perClass; i += 1) {
      const vector = centers[c]!.map((x) => x + (random() - 0.5) * 1.5);
      examples.push({ key: `blob-${seed}-${c}-${i}`, vector, text: null, label: c });
      truth.push(c);
    }
  }
  return { examples, truth };
}

describe('training a version', () => {
  beforeAll(async () => {
    await initTensorBackend({ log: () => undefined });
  });

  it('refuses to train on fewer than two labels in each of two classes', () => {
    const { examples } = blobs(3, 1);
    const few = examples.map((e, i) => ({ ...e, label: i === 0 || i === 4 ? e.label : null }));
    expect(canTrain(few)).toMatchObject({ ok: false });
    expect(canTrain(examples)).toEqual({ ok: true });
  });

  it('measures the evaluation model on the check samples it never trained on, and serves a model trained on every label', async () => {
    const { examples } = blobs(60, 2);
    // Every 8th sample is a random check sample.
    const withChecks = examples.map((e, i) => ({ ...e, check: i % 8 === 0 }));
    const checks = withChecks.filter((e) => e.check).length;
    const version = await trainVersion(withChecks, 3, { kind: 'softmax', seed: 1 });
    expect(version.metrics.numChecks).toBe(checks);
    expect(version.metrics.numTrain).toBe(examples.length - checks);
    const evaluation = version.metrics.evaluation!;
    expect(evaluation.n).toBe(checks);
    expect(evaluation.accuracy.value).toBeGreaterThan(0.9);
    expect(evaluation.accuracy.low).toBeLessThan(evaluation.accuracy.value);
    expect(evaluation.accuracy.high).toBeGreaterThanOrEqual(evaluation.accuracy.value);
    expect(version.evaluation.indices).toEqual(withChecks.flatMap((e, i) => (e.check ? [i] : [])));
    expect(version.evaluation.predicted).toHaveLength(checks);
    expect(version.metrics.crossValidation.accuracy).toBeGreaterThan(0.9);
    expect(version.oof).toHaveLength(examples.length);
    // Without check samples there is no unbiased figure, only cross-validation.
    const none = await trainVersion(examples, 3, { kind: 'softmax', seed: 1 });
    expect(none.metrics.evaluation).toBeNull();
    expect(none.evaluation.indices).toEqual([]);
  });

  it('keeps the check samples out of the evaluation model: scrambled check labels show as low accuracy, not as a fit', async () => {
    const { examples } = blobs(60, 3);
    const random = createRandom(9);
    // The check samples' labels are noise: a model that trained on them would score well on them anyway (memorised).
    const scrambled = examples.map((e, i) => (i % 4 === 0 ? { ...e, check: true, label: Math.floor(random() * 3) } : e));
    const version = await trainVersion(scrambled, 3, { kind: 'softmax', seed: 1 });
    expect(version.metrics.evaluation!.accuracy.value).toBeLessThan(0.6);
  });

  it('falls back to training on everything when the labels outside the slice have one class', async () => {
    const { examples } = blobs(60, 5);
    const labeled = examples.map((e) => (e.label === 0 ? e : e.label === 1 && e.key.endsWith('-0') ? { ...e, check: true } : e.label === 1 && e.key.endsWith('-1') ? { ...e, check: true } : { ...e, label: null }));
    const version = await trainVersion(labeled, 3, { kind: 'softmax', seed: 1 });
    expect(version.metrics.trainedOnChecks).toBe(true);
    expect(version.metrics.evaluation).toBeNull();
    expect(version.evaluation).toEqual({ indices: [], predicted: [] });
  });

  it('starts the next version from the previous one: same folds, L2 re-used until labels grow by a quarter', async () => {
    const { examples } = blobs(60, 4);
    const labeledUpTo = (count: number) => examples.map((e, i) => ({ ...e, label: i % 60 < count ? e.label : null }));
    const first = await trainVersion(labeledUpTo(40), 3, { kind: 'softmax', seed: 1 });
    expect(first.metrics.l2Choice).toBe('searched');
    const second = await trainVersion(labeledUpTo(44), 3, { kind: 'softmax', seed: 1, previous: first.warmState });
    expect(second.metrics.l2Choice).toBe('reused');
    expect(second.warmState.searchedAt).toBe(first.warmState.searchedAt);
    for (const [key, fold] of first.warmState.folds.plan.foldOf) expect(second.warmState.folds.plan.foldOf.get(key)).toBe(fold);
    expect(second.metrics.crossValidation.accuracy).toBeGreaterThan(0.9);
    const third = await trainVersion(labeledUpTo(60), 3, { kind: 'softmax', seed: 1, previous: second.warmState });
    expect(third.metrics.l2Choice).toBe('searched');
    // A state from another head kind is not used.
    const mlp = await trainVersion(labeledUpTo(44), 3, { kind: 'mlp', seed: 1, previous: first.warmState });
    expect(mlp.metrics.l2Choice).toBe('searched');
  });
});
