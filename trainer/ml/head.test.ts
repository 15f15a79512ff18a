import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from './backend.ts';
import { buildDesign } from './design.ts';
import { deserializeHead, fitHead, shuffleInPlace, type Features } from './head.ts';
import { createRandom, Trainer } from './head-fit.ts';
import { fitLexical } from './lexical.ts';
import { argmax, computeMetrics } from './metrics.ts';

const SMS_SPAM = fileURLToPath(new URL('../../../shared/datasets/sms-spam/SMSSpamCollection.txt', import.meta.url));

/** Gaussian blobs: `perClass[c]` points around a random centre per class, in `dims` dimensions. */
function blobs(perClass: number[], dims: number, spread: number, seed: number): { dense: Float32Array[]; labels: number[] } {
  const random = createRandom(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const centres = perClass.map(() => Float32Array.from({ length: dims }, gaussian));
  const dense: Float32Array[] = [];
  const labels: number[] = [];
  perClass.forEach((count, c) => {
    for (let k = 0; k < count; k += 1) {
      dense.push(Float32Array.from(centres[c]!, (v) => v + spread * gaussian()));
      labels.push(c);
    }
  });
  return { dense, labels };
}

const accuracy = (proba: Float32Array[], labels: number[]) => labels.filter((label, i) => argmax(proba[i]!) === label).length / labels.length;

beforeAll(async () => {
  await initTensorBackend({ log: () => {} });
});

describe('fitHead on synthetic data', () => {
  const data = blobs([40, 40, 40], 8, 0.3, 1);

  it('separates separable classes and serializes losslessly', async () => {
    const fit = await fitHead({ dense: data.dense }, data.labels, 3);
    const proba = fit.head.predictProba({ dense: data.dense });
    expect(accuracy(proba, data.labels)).toBeGreaterThanOrEqual(0.99);
    expect(fit.l2).toBeGreaterThan(0);
    const { meta, weights } = fit.head.serialize();
    const restored = deserializeHead({ meta: JSON.parse(JSON.stringify(meta)), weights: new Uint8Array(weights) });
    expect(restored).toMatchObject({ numClasses: 3, kind: 'softmax', l2: fit.l2 });
    const again = restored.predictProba({ dense: data.dense });
    again.forEach((row, i) => expect([...row]).toEqual([...proba[i]!]));
  });

  it('trains the mlp kind as well', async () => {
    const fit = await fitHead({ dense: data.dense }, data.labels, 3, { kind: 'mlp', seed: 3 });
    expect(fit.head.kind).toBe('mlp');
    expect(accuracy(fit.head.predictProba({ dense: data.dense }), data.labels)).toBeGreaterThanOrEqual(0.95);
    const restored = deserializeHead(fit.head.serialize());
    expect([...restored.predictProba({ dense: data.dense.slice(0, 1) })[0]!]).toEqual([...fit.head.predictProba({ dense: data.dense.slice(0, 1) })[0]!]);
  });

  it('gives a class without examples a vanishing probability, without NaN', async () => {
    const fit = await fitHead({ dense: data.dense }, data.labels, 4);
    const proba = fit.head.predictProba({ dense: data.dense });
    for (const row of proba) {
      expect(row).toHaveLength(4);
      expect([...row].every(Number.isFinite)).toBe(true);
      expect(row[3]).toBeLessThan(0.01);
    }
  });

  it('throws a clear error with one class or bad labels', async () => {
    await expect(fitHead({ dense: data.dense.slice(0, 5) }, [1, 1, 1, 1, 1], 3)).rejects.toThrow(/at least two classes/);
    await expect(fitHead({ dense: data.dense.slice(0, 2) }, [0, 3], 3)).rejects.toThrow(/outside/);
  });

  it('converges in fewer iterations from a warm start', async () => {
    const more = blobs([60, 60, 60], 8, 1.2, 2);
    const cold = await fitHead({ dense: more.dense }, more.labels, 3, { l2: 1e-3 });
    const warm = await fitHead({ dense: more.dense }, more.labels, 3, { l2: 1e-3, warmStart: cold.head });
    expect(warm.iterations).toBeLessThan(cold.iterations);
  });

  it('recovers more of a minority class thanks to class-balanced weights', () => {
    // Overlapping classes, 200 vs 12: unweighted, the boundary drifts into the minority class.
    const skewed = blobs([200, 12], 4, 1.6, 5);
    const test = blobs([200, 200], 4, 1.6, 5);
    const recall = (unweighted: boolean) => {
      const trainer = new Trainer(buildDesign(skewed.dense, undefined, undefined), skewed.labels, 2, 'softmax', { unweighted });
      trainer.fit(1e-3, 100, 1e-6);
      const proba = trainer.toHead(1e-3).predictDesign(buildDesign(test.dense, undefined, undefined));
      trainer.dispose();
      return computeMetrics(test.labels, proba, 2).perClass[1]!.recall;
    };
    expect(recall(false)).toBeGreaterThan(recall(true) + 0.1);
  });
});

describe.skipIf(!existsSync(SMS_SPAM))('fitHead on SMS spam (lexical channel only)', () => {
  it('classifies a held-out 20% with at least 95% accuracy', async () => {
    const rows = readFileSync(SMS_SPAM, 'utf8').split('\n').filter(Boolean).map((line) => line.split('\t'));
    const texts = rows.map((r) => r[1] ?? '');
    const labels = rows.map((r) => (r[0] === 'spam' ? 1 : 0));
    const order = shuffleInPlace(texts.map((_, i) => i), createRandom(11));
    const cut = Math.floor(order.length * 0.8);
    const features = (indices: number[]): Features => ({ dense: indices.map(() => new Float32Array(0)), texts: indices.map((i) => texts[i]!) });
    const lexical = fitLexical(texts);
    const fit = await fitHead(features(order.slice(0, cut)), order.slice(0, cut).map((i) => labels[i]!), 2, { lexical });
    const heldOut = order.slice(cut);
    const metrics = computeMetrics(heldOut.map((i) => labels[i]!), fit.head.predictProba(features(heldOut)), 2);
    expect(metrics.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(metrics.perClass[1]!.recall).toBeGreaterThanOrEqual(0.85);
  });

  it('scores a few rows (plain JS, as a prediction request does) as it scores a pool (SIMD kernels)', async () => {
    const texts = readFileSync(SMS_SPAM, 'utf8').split('\n').filter(Boolean).slice(0, 1200).map((line) => line.split('\t'));
    const features = (rows: string[][]): Features => ({ dense: rows.map(() => new Float32Array(0)), texts: rows.map((r) => r[1] ?? '') });
    const fit = await fitHead(features(texts), texts.map((r) => (r[0] === 'spam' ? 1 : 0)), 2, { lexical: fitLexical(texts.map((r) => r[1] ?? '')) });
    const pool = fit.head.predictProba(features(texts));
    for (const i of [0, 1, 7, 100, 999]) {
      const [one] = fit.head.predictProba(features([texts[i]!]));
      expect(one![0]).toBeCloseTo(pool[i]![0]!, 5);
      expect(one![1]).toBeCloseTo(pool[i]![1]!, 5);
    }
  });
});
