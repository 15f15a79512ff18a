import { describe, expect, it } from 'vitest';
import { coldStartOrder, explainChoice, rankPool, uncertaintyScores } from './strategies.ts';

const p = (...values: number[]) => Float32Array.from(values);
const argsort = (scores: Float32Array) => Array.from(scores.keys()).sort((a, b) => scores[b]! - scores[a]!);

// 0: sure; 1: two-way tie; 2: spread over three; 3: leaning
const proba = [p(0.98, 0.01, 0.01), p(0.5, 0.5, 0), p(0.34, 0.33, 0.33), p(0.7, 0.2, 0.1)];

/** Four tight clusters of five points each, far apart. */
function clusters(): { points: Float32Array[]; cluster: number[] } {
  const centres = [p(10, 0), p(-10, 0), p(0, 10), p(0, -10)];
  const points: Float32Array[] = [];
  const cluster: number[] = [];
  centres.forEach((centre, c) => {
    for (let k = 0; k < 5; k += 1) {
      points.push(p(centre[0]! + k * 0.01, centre[1]! - k * 0.01));
      cluster.push(c);
    }
  });
  return { points, cluster };
}

describe('uncertaintyScores', () => {
  it('ranks by margin, least confidence and entropy as defined', () => {
    expect(argsort(uncertaintyScores('margin', proba))).toEqual([1, 2, 3, 0]);
    expect(argsort(uncertaintyScores('least-confidence', proba))).toEqual([2, 1, 3, 0]);
    // Entropy also counts the tail: (0.7, 0.2, 0.1) is more spread than (0.5, 0.5, 0).
    expect(argsort(uncertaintyScores('entropy', proba))).toEqual([2, 3, 1, 0]);
    expect(uncertaintyScores('margin', [p(0.5, 0.5)])[0]).toBeCloseTo(1);
  });
});

describe('rankPool', () => {
  const embeddings = proba.map((_, i) => p(i, 0));

  it('returns every pool index once, best first', () => {
    const order = rankPool('margin', { proba, embeddings, batchSize: 2, seed: 1 });
    expect(order).toEqual([1, 2, 3, 0]);
    expect([...rankPool('random', { embeddings, batchSize: 2, seed: 3 })].sort()).toEqual([0, 1, 2, 3]);
  });

  it('shuffles reproducibly for random', () => {
    const many = Array.from({ length: 50 }, (_, i) => p(i));
    const a = rankPool('random', { embeddings: many, batchSize: 5, seed: 7 });
    expect(rankPool('random', { embeddings: many, batchSize: 5, seed: 7 })).toEqual(a);
    expect(rankPool('random', { embeddings: many, batchSize: 5, seed: 8 })).not.toEqual(a);
  });

  it("'diverse-margin' takes uncertain samples from different clusters", () => {
    const { points, cluster } = clusters();
    // All equally uncertain, so only diversity can separate them.
    const even = points.map(() => p(0.5, 0.5));
    const batch = rankPool('diverse-margin', { proba: even, embeddings: points, batchSize: 4, seed: 1 }).slice(0, 4);
    expect(new Set(batch.map((i) => cluster[i])).size).toBe(4);
    // Plain margin would take the first cluster's points together.
    const plain = rankPool('margin', { proba: even, embeddings: points, batchSize: 4, seed: 1 }).slice(0, 4);
    expect(new Set(plain.map((i) => cluster[i])).size).toBe(1);
  });

  it('falls back to diversity sampling without probabilities, except for random', () => {
    const { points, cluster } = clusters();
    for (const strategy of ['margin', 'entropy', 'least-confidence', 'diverse-margin'] as const) {
      const order = rankPool(strategy, { embeddings: points, batchSize: 4, seed: 5 });
      expect(order).toHaveLength(points.length);
      expect(new Set(order.slice(0, 4).map((i) => cluster[i])).size).toBe(4);
    }
  });
});

describe('coldStartOrder', () => {
  it('never takes two points from one tight cluster while another is uncovered', () => {
    const { points, cluster } = clusters();
    for (const seed of [1, 2, 3, 4, 5]) {
      const picks = coldStartOrder(points, 4, seed);
      expect(new Set(picks.map((i) => cluster[i])).size).toBe(4);
    }
  });

  it('copes with duplicates and with more picks than points', () => {
    const same = [p(1, 1), p(1, 1), p(1, 1)];
    expect([...coldStartOrder(same, 5, 1)].sort()).toEqual([0, 1, 2]);
    expect(coldStartOrder([], 3, 1)).toEqual([]);
  });
});

describe('explainChoice', () => {
  const names = ['billing', 'refund', 'card'];

  it('names the runner-up when the model is unsure (the screen shows the top guess beside it)', () => {
    const out = explainChoice(p(0.41, 0.38, 0.21), names);
    expect(out.reason).toBe('model unsure: refund close behind at 38%');
    expect(out.top.map((t) => t.label)).toEqual(['billing', 'refund', 'card']);
  });

  it('describes low confidence and a clear lean', () => {
    expect(explainChoice(p(0.45, 0.2, 0.2), names).reason).toBe('low confidence: no label above 50%');
    expect(explainChoice(p(0.1, 0.85, 0.05), names).reason).toBe('model fairly sure (next: billing 10%)');
  });

  it('names no label at all in the words for projects that hide the guess', () => {
    for (const probabilities of [p(0.41, 0.38, 0.21), p(0.45, 0.2, 0.2), p(0.1, 0.85, 0.05)]) {
      const { withoutGuess } = explainChoice(probabilities, names);
      for (const name of names) expect(withoutGuess).not.toContain(name);
      expect(withoutGuess).not.toMatch(/\d%/);
    }
  });
});
