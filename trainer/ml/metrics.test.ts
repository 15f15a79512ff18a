import { describe, expect, it } from 'vitest';
import { computeMetrics } from './metrics.ts';

const p = (...values: number[]) => Float32Array.from(values);

describe('computeMetrics', () => {
  it('computes accuracy, confusion and per-class scores on a hand-checked case', () => {
    // true: 0 0 1 1 2 ; predicted: 0 1 1 1 0
    const labels = [0, 0, 1, 1, 2];
    const proba = [p(0.8, 0.1, 0.1), p(0.3, 0.6, 0.1), p(0.2, 0.7, 0.1), p(0.1, 0.8, 0.1), p(0.5, 0.3, 0.2)];
    const m = computeMetrics(labels, proba, 3);
    expect(m.n).toBe(5);
    expect(m.accuracy).toBeCloseTo(3 / 5);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 0],
    ]);
    // class 0: P = 1/2, R = 1/2; class 1: P = 2/3, R = 1; class 2: never predicted.
    expect(m.perClass[0]).toMatchObject({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(m.perClass[1]!.precision).toBeCloseTo(2 / 3);
    expect(m.perClass[1]!.f1).toBeCloseTo(0.8);
    expect(m.perClass[2]).toMatchObject({ precision: 0, recall: 0, f1: 0, support: 1 });
    expect(m.macroF1).toBeCloseTo((0.5 + 0.8 + 0) / 3);
  });

  it('leaves classes that neither occur nor are predicted out of macro-F1', () => {
    const m = computeMetrics([0, 1], [p(0.9, 0.1, 0, 0), p(0.2, 0.8, 0, 0)], 4);
    expect(m.macroF1).toBe(1);
    expect(m.perClass[3]).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });

  it('computes ECE over 15 equal-width bins of the top probability', () => {
    // Two samples in the (0.9, 0.9333] bin, confidence 0.9 each, one right: |0.5 − 0.9| · 2/4.
    // Two in the (0.6, 0.6667] bin, confidence 0.65, both right: |1 − 0.65| · 2/4.
    const labels = [0, 0, 1, 1];
    const proba = [p(0.9, 0.1), p(0.1, 0.9), p(0.35, 0.65), p(0.35, 0.65)];
    const m = computeMetrics(labels, proba, 2);
    expect(m.ece).toBeCloseTo(0.5 * 0.4 + 0.5 * 0.35, 5);
  });

  it('is zero, not NaN, for a perfectly calibrated certain model and for no data', () => {
    expect(computeMetrics([0, 1], [p(1, 0), p(0, 1)], 2).ece).toBe(0);
    const empty = computeMetrics([], [], 3);
    expect(empty).toMatchObject({ accuracy: 0, macroF1: 0, ece: 0, n: 0 });
  });
});
