import { describe, expect, it } from 'vitest';
import { softmaxScores } from './head-layout.ts';

describe('softmaxScores', () => {
  it('stays a finite distribution when a logit is in the billions (float32 rounding of the logits)', () => {
    // A bias near 5.7e9 rounds by up to 256 when stored as float32: the max must be taken after rounding.
    for (const bias of [5_729_345_535.7, 5_729_345_536.3, -5_729_345_535.7, 1e30]) {
      const scores = new Float32Array(8);
      scores.set([0.25, -0.5, 0.125]);
      softmaxScores(scores, { n: 1, width: 8, numClasses: 6 }, { bias: Float32Array.of(0, 0, 0, bias, 0.5, 0, 0, 0), scale: 1.4 });
      const row = [...scores.subarray(0, 6)];
      expect(row.every(Number.isFinite)).toBe(true);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect([...scores.subarray(6)]).toEqual([0, 0]);
    }
  });
});
