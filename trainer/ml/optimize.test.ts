import { describe, expect, it } from 'vitest';
import { minimize, minimizerVectorCount, type Objective } from './optimize.ts';
import { Arena, type Block } from './simd.ts';

/** f(x) = ½ Σ (xᵢ − 1)², whose diagonal estimate wrongly says coordinate 1 has no curvature. */
function misleadingQuadratic(size: number): Objective {
  return {
    size,
    evaluate(x: Block<Float32Array>, gradient: Block<Float32Array>): number {
      let f = 0;
      for (let i = 0; i < size; i += 1) {
        const d = x.array[i]! - 1;
        f += 0.5 * d * d;
        gradient.array[i] = d;
      }
      return f;
    },
    diagonal(out: Block<Float32Array>): void {
      out.array.fill(1);
      out.array[1] = 1e-14;
    },
  };
}

describe('minimize', () => {
  it('makes progress when the diagonal preconditioner misleads (falls back to the plain gradient)', () => {
    const size = 4;
    const arena = new Arena(Arena.bytesFor(Array(minimizerVectorCount(5) + 1).fill(size)));
    try {
      const x = arena.floats(size);
      x.array.fill(0);
      const result = minimize(arena, misleadingQuadratic(size), x, { maxIterations: 50, memory: 5 });
      expect(result.iterations).toBeGreaterThan(0);
      expect(result.loss).toBeLessThan(1e-6);
      for (const v of x.array) expect(v).toBeCloseTo(1, 3);
    } finally {
      arena.dispose();
    }
  });
});
