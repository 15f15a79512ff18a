import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from './backend.ts';
import { createRandom } from './simulate.ts';
import { canTrain, decidePromotion, MIN_HELD_OUT, trainVersion, type Example } from './train-version.ts';
import { isHeldOut } from './evaluate.ts';

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

  it('never trains on held-out samples and reports held-out and cross-validated metrics', async () => {
    const { examples } = blobs(60, 2);
    const version = await trainVersion(examples, 3, { kind: 'softmax', seed: 1 });
    const heldOut = examples.filter((e) => isHeldOut(e.key)).length;
    expect(heldOut).toBeGreaterThanOrEqual(MIN_HELD_OUT);
    expect(version.metrics.numHeldOut).toBe(heldOut);
    expect(version.metrics.numTrain).toBe(examples.length - heldOut);
    expect(version.metrics.heldOut!.accuracy).toBeGreaterThan(0.9);
    expect(version.metrics.crossValidation.accuracy).toBeGreaterThan(0.9);
    expect(version.oof).toHaveLength(examples.length);
    expect(version.metrics.crossValidation.confusion).toHaveLength(3);
  });

  it('does not promote a version that is worse on the held-out samples than the live one', async () => {
    const { examples } = blobs(60, 3);
    const good = await trainVersion(examples, 3, { kind: 'softmax', seed: 1 });
    // A version trained on scrambled labels (as if a batch of bad labels came in) is worse.
    const random = createRandom(9);
    const scrambled = examples.map((e) => (isHeldOut(e.key) ? e : { ...e, label: Math.floor(random() * 3) }));
    const bad = await trainVersion(scrambled, 3, { kind: 'softmax', seed: 1 });
    const worse = decidePromotion({ examples, candidate: bad.head, active: good.head, numClasses: 3 });
    expect(worse.promote).toBe(false);
    expect(worse.candidateAccuracy!).toBeLessThan(worse.activeAccuracy!);
    const better = decidePromotion({ examples, candidate: good.head, active: bad.head, numClasses: 3 });
    expect(better.promote).toBe(true);
    expect(decidePromotion({ examples, candidate: bad.head, active: undefined, numClasses: 3 }).promote).toBe(true);
  });

  it('lets the newest version win when one of the two had to train on the held-out samples', async () => {
    const { examples } = blobs(60, 5);
    // Class 1 has three labels, two of them held out: training alone would see one class, so the
    // version trains on every label, held-out ones included.
    const ones = examples.filter((e) => e.label === 1);
    const rare = new Set([...ones.filter((e) => isHeldOut(e.key)).slice(0, 2), ...ones.filter((e) => !isHeldOut(e.key)).slice(0, 1)].map((e) => e.key));
    expect(rare.size).toBe(3);
    const labeled = examples.map((e) => ({ ...e, label: e.label === 0 || rare.has(e.key) ? e.label : null }));
    expect(labeled.filter((e) => e.label !== null && isHeldOut(e.key)).length).toBeGreaterThanOrEqual(MIN_HELD_OUT);
    const contaminated = await trainVersion(labeled, 3, { kind: 'softmax', seed: 1 });
    expect(contaminated.metrics.trainedOnHeldOut).toBe(true);
    expect(contaminated.metrics.heldOut).toBeNull();
    const honest = await trainVersion(examples, 3, { kind: 'softmax', seed: 1 });
    expect(honest.metrics.trainedOnHeldOut).toBe(false);
    // Either way round, held-out accuracy is not a fair judge: the newest wins, and says why.
    const asCandidate = decidePromotion({ examples, candidate: contaminated.head, candidateTrainedOnHeldOut: true, active: honest.head, numClasses: 3 });
    expect(asCandidate).toMatchObject({ promote: true, candidateAccuracy: null, reason: expect.stringMatching(/^this version trained on the held-out samples/) });
    const asLive = decidePromotion({ examples, candidate: honest.head, active: contaminated.head, activeTrainedOnHeldOut: true, numClasses: 3 });
    expect(asLive).toMatchObject({ promote: true, reason: expect.stringMatching(/^the live version trained on the held-out samples/) });
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
