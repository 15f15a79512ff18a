import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from './backend.ts';
import { createRandom } from './head-fit.ts';
import { classThresholds, confidentJoint, nearestNeighbors, rankSuspects } from './mislabels.ts';

beforeAll(async () => {
  await initTensorBackend({ log: () => {} });
});

/**
 * Three classes, four samples each. Row 3 is labelled 0 but the model is sure it is 2; row 7 is
 * labelled 1 but looks like 0; row 11 is labelled 2 and the model leans to 1 without being
 * confident about anything (below both thresholds): unsure, not evidently wrong.
 */
const given = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
const oof = [
  [0.8, 0.1, 0.1], [0.7, 0.2, 0.1], [0.9, 0.05, 0.05], [0.05, 0.05, 0.9],
  [0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.1, 0.85, 0.05], [0.85, 0.1, 0.05],
  [0.1, 0.1, 0.8], [0.1, 0.2, 0.7], [0.05, 0.15, 0.8], [0.1, 0.5, 0.4],
].map((row) => Float32Array.from(row));

describe('classThresholds and confidentJoint', () => {
  it('thresholds each class at its mean self-confidence; a class nobody uses is never confident', () => {
    const t = classThresholds(given, oof, 4);
    expect(t[0]).toBeCloseTo((0.8 + 0.7 + 0.9 + 0.05) / 4, 5);
    expect(t[2]).toBeCloseTo((0.8 + 0.7 + 0.8 + 0.4) / 4, 5);
    expect(t[3]).toBe(Infinity);
  });

  it('counts confident off-diagonal samples and calibrates rows to the class sizes', () => {
    // Row 11 is confident about no class, so class 2's three confident samples stand for all four.
    expect(confidentJoint(given, oof, 3)).toEqual([
      [3, 0, 1],
      [1, 3, 0],
      [0, 0, 4],
    ]);
  });
});

describe('rankSuspects', () => {
  it('ranks the evident mislabels first, flags only them and suggests the class the model sees', () => {
    const ranked = rankSuspects({ given, oof, numClasses: 3 });
    expect(ranked.map((s) => s.index).sort((a, b) => a - b)).toEqual(given.map((_, i) => i));
    expect(ranked.slice(0, 3).map((s) => s.index)).toEqual([3, 7, 11]);
    expect(ranked.filter((s) => s.flagged).map((s) => s.index)).toEqual([3, 7]);
    expect(ranked[0]).toMatchObject({ given: 0, suggested: 2 });
    expect(ranked[1]).toMatchObject({ given: 1, suggested: 0 });
    for (const [a, b] of ranked.slice(1).map((s, i) => [ranked[i]!, s] as const)) expect(a.score).toBeGreaterThanOrEqual(b.score);
    for (const s of ranked) {
      expect(s.score).toBeGreaterThanOrEqual(0);
      expect(s.score).toBeLessThanOrEqual(1);
      expect(s.neighborAgreement).toBeNull();
    }
  });

  it('suggests the runner-up when the model agrees with the given label', () => {
    const sample = rankSuspects({ given, oof, numClasses: 3 }).find((s) => s.index === 1)!;
    expect(sample).toMatchObject({ given: 0, suggested: 1, flagged: false });
    expect(sample.selfConfidence).toBeCloseTo(0.7, 5);
  });

  it('lets neighbours that disagree lift a sample above one the model finds equally likely', () => {
    // Rows 0 and 2 get the same probabilities; only row 2's neighbours carry another label.
    const same = oof.map((row, i) => (i === 2 ? oof[0]! : row));
    const neighbors = given.map((label, i) => (i === 2 ? [1, 1, 2, 1] : [label, label, label, label]));
    const ranked = rankSuspects({ given, oof: same, numClasses: 3, neighbors });
    const position = (index: number) => ranked.findIndex((s) => s.index === index);
    expect(position(2)).toBeLessThan(position(0));
    expect(ranked[position(2)]!.neighborAgreement).toBe(0);
    expect(ranked[position(0)]!.neighborAgreement).toBe(1);
  });

  it('names inconsistent input', () => {
    expect(() => rankSuspects({ given: [0, 1], oof: [oof[0]!], numClasses: 3 })).toThrow(/2 labels for 1 probability rows/);
    expect(() => rankSuspects({ given: [0, 5], oof: oof.slice(0, 2), numClasses: 3 })).toThrow(/label 5 is outside/);
    expect(() => rankSuspects({ given: [0, 1], oof: oof.slice(0, 2), numClasses: 4 })).toThrow(/has 3 entries, expected 4/);
    expect(() => rankSuspects({ given: [0, 1], oof: oof.slice(0, 2), numClasses: 3, neighbors: [[0]] })).toThrow(/neighbour lists/);
  });
});

describe('nearestNeighbors', () => {
  it('finds cosine neighbours nearest first, whatever the vector lengths, never the row itself', () => {
    const vectors = [[10, 0], [0.9, 0.1], [0, 1], [0.2, 1.8], [-1, 0.05]].map((v) => Float32Array.from(v));
    const near = nearestNeighbors(vectors, 2);
    expect(near.map((row) => row[0])).toEqual([1, 0, 3, 2, 2]);
    near.forEach((row, i) => {
      expect(row).toHaveLength(2);
      expect(row).not.toContain(i);
    });
    // k beyond the other rows is capped; a single row has no neighbours.
    expect(nearestNeighbors(vectors, 10).every((row) => row.length === 4)).toBe(true);
    expect(nearestNeighbors([vectors[0]!], 3)).toEqual([[]]);
  });

  it('matches brute force across several matrix-product chunks', () => {
    const random = createRandom(5);
    const vectors = Array.from({ length: 2100 }, () => Float32Array.from({ length: 12 }, () => random() * 2 - 1));
    const cosine = (a: Float32Array, b: Float32Array) => a.reduce((s, x, d) => s + x * b[d]!, 0) / Math.hypot(...a) / Math.hypot(...b);
    const near = nearestNeighbors(vectors, 3);
    for (const i of [0, 1023, 1024, 2099]) {
      const expected = vectors
        .map((v, j) => [j === i ? -Infinity : cosine(vectors[i]!, v), j] as const)
        .sort((a, b) => b[0] - a[0])
        .slice(0, 3)
        .map(([, j]) => j);
      expect(near[i]).toEqual(expected);
    }
  });
});
