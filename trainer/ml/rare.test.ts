import { describe, expect, it } from 'vitest';
import { rankRareCandidates } from './rare.ts';
import { projectTo2d } from './projection.ts';
import { createRandom } from './head-fit.ts';

/** Points around two directions in 8-D: class A near e0, class B near e1. */
function cloud(count: number, center: number, seed: number): Float32Array[] {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: 8 }, (_, j) => (j === center ? 3 : 0) + random() - 0.5));
}

describe('rankRareCandidates', () => {
  it('puts pool samples near the class examples first, and uses the model probability as a second opinion', () => {
    const pool = [...cloud(20, 1, 1), ...cloud(5, 0, 2)];
    const examples = cloud(3, 0, 3);
    const top = rankRareCandidates({ pool, examples, limit: 5 });
    expect(top.map((c) => c.index).sort((a, b) => a - b)).toEqual([20, 21, 22, 23, 24]);
    expect(top.every((c) => c.similarity > 0.5 && c.probability === null)).toBe(true);
    // A model that is sure about one far-away sample lifts it above the weakest near ones.
    const probability = pool.map((_, i) => (i === 3 ? 0.99 : i >= 20 ? 0.3 : 0.01));
    const rankOf = pool.map((_, i) => (i === 3 || i >= 20 ? 0 : 4));
    const withModel = rankRareCandidates({ pool, examples, probability, probabilityRank: rankOf, limit: 6 });
    expect(withModel.map((c) => c.index).sort((a, b) => a - b)).toEqual([3, 20, 21, 22, 23, 24]);
    expect(rankRareCandidates({ pool, examples: [], limit: 5 })).toEqual([]);
    // Far-away samples are not candidates at all, however many are asked for.
    expect(rankRareCandidates({ pool, examples, limit: 25 }).map((c) => c.index).sort((a, b) => a - b)).toEqual([20, 21, 22, 23, 24]);
    // Nor are those the model does not count among its top three guesses for the class.
    const probabilityRank = pool.map((_, i) => (i === 20 ? 5 : 0));
    expect(rankRareCandidates({ pool, examples, probabilityRank, limit: 25 }).map((c) => c.index)).not.toContain(20);
  });
});

describe('projectTo2d', () => {
  it('separates two clusters along the first axis and is stable between runs', () => {
    const vectors = [...cloud(30, 0, 4), ...cloud(30, 1, 5)];
    const map = projectTo2d(vectors);
    const meanX = (from: number, to: number) => map.slice(from, to).reduce((s, p) => s + p.x, 0) / (to - from);
    expect(Math.abs(meanX(0, 30) - meanX(30, 60))).toBeGreaterThan(3);
    expect(projectTo2d(vectors)).toEqual(map);
    expect(projectTo2d([])).toEqual([]);
    expect(projectTo2d([Float32Array.of(1, 2), Float32Array.of(1, 2)])).toEqual([{ x: 0, y: 0 }, { x: 0, y: 0 }]);
  });
});
