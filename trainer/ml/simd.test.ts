import { describe, expect, it } from 'vitest';
import { minimize, minimizerVectorCount, type Objective } from './optimize.ts';
import { Arena, type Block } from './simd.ts';

function randomFloats(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32) - 0.5);
}

describe.each([false, true])('Arena (parallel: %s)', (parallel) => {
  // Long enough that the parallel arena splits the work with its helper thread.
  const length = 200_000;

  it('matches plain loops for axpy, mul and dot', () => {
    const arena = new Arena(Arena.bytesFor([length, length]), { parallel });
    const x = arena.floats(length);
    const y = arena.floats(length);
    const xs = randomFloats(length, 1);
    const ys = randomFloats(length, 2);
    x.array.set(xs);
    y.array.set(ys);
    let dot = 0;
    for (let i = 0; i < length; i += 1) dot += xs[i]! * ys[i]!;
    expect(arena.dot(x, y)).toBeCloseTo(dot, 3);
    arena.axpy(0.5, x, y);
    arena.mul(x, y);
    for (const i of [0, 1, 12_345, length - 1]) expect(y.array[i]).toBeCloseTo(xs[i]! * (ys[i]! + 0.5 * xs[i]!), 5);
  });

  it('accumulates sparse row products, split or in the background', () => {
    const width = 8;
    const arena = new Arena(Arena.bytesFor([3 * width, 2 * width, 4, 4, 4]), { parallel });
    const dst = arena.floats(3 * width);
    const src = arena.floats(2 * width);
    src.array.set(Float32Array.from({ length: 2 * width }, (_, i) => i));
    const pairs = { dstRows: arena.indices([0, 0, 2, 2]), srcRows: arena.indices([0, 1, 1, 0]), values: arena.floats(4), count: 4 };
    pairs.values.array.set([1, 2, 0.5, -1]);
    arena.axpyRows(pairs, dst, src, width, 2);
    arena.axpyRowsInBackground(pairs, dst, src, width)();
    // row 0 = 2·(src0 + 2·src1), row 1 untouched, row 2 = 2·(0.5·src1 − src0)
    expect(dst.array[3]).toBeCloseTo(2 * (3 + 2 * 11));
    expect(dst.array[width + 3]).toBe(0);
    expect(dst.array[2 * width + 3]).toBeCloseTo(2 * (0.5 * 11 - 3));
  });
});

describe('minimize', () => {
  it('never accepts a step to a non-finite loss, −Infinity included', () => {
    const size = 4;
    // A bowl around 1 whose loss reads −Infinity far out (as overflowing probabilities once did).
    const objective: Objective = {
      size,
      evaluate(x: Block<Float32Array>, g: Block<Float32Array>) {
        let f = 0;
        for (let i = 0; i < size; i += 1) {
          const d = x.array[i]! - 1;
          f += 0.5 * d * d;
          g.array[i] = d;
        }
        return Math.abs(x.array[0]!) > 1e3 ? -Infinity : f;
      },
      // A tiny curvature estimate makes the first step enormous.
      diagonal: (out: Block<Float32Array>) => out.array.fill(1e-9),
    };
    const arena = new Arena(Arena.bytesFor(Array(minimizerVectorCount(5) + 1).fill(size)));
    const x = arena.floats(size);
    const result = minimize(arena, objective, x, { maxIterations: 50, lossTolerance: 0, gradientTolerance: 1e-6, unitFirstStep: true });
    expect(Number.isFinite(result.loss)).toBe(true);
    expect(Math.max(...[...x.array].map(Math.abs))).toBeLessThan(1e3);
    arena.dispose();
  });

  it('finds the minimum of a badly scaled quadratic, in far fewer iterations with its diagonal', () => {
    const size = 64;
    // Curvatures from 0.1 to 10: condition number 100.
    const scales = Float32Array.from({ length: size }, (_, i) => 10 ** ((2 * i) / size - 1));
    const quadratic = (withDiagonal: boolean): Objective => ({
      size,
      evaluate(x: Block<Float32Array>, g: Block<Float32Array>) {
        let f = 0;
        for (let i = 0; i < size; i += 1) {
          const d = x.array[i]!;
          f += 0.5 * scales[i]! * d * d;
          g.array[i] = scales[i]! * d;
        }
        return f;
      },
      ...(withDiagonal ? { diagonal: (out: Block<Float32Array>) => out.array.set(scales) } : {}),
    });
    const run = (withDiagonal: boolean) => {
      const arena = new Arena(Arena.bytesFor(Array(minimizerVectorCount(5) + 1).fill(size)));
      const x = arena.floats(size);
      x.array.fill(1);
      const result = minimize(arena, quadratic(withDiagonal), x, { maxIterations: 500, lossTolerance: 0, gradientTolerance: 1e-6 });
      return { result, x: [...x.array] };
    };
    const plain = run(false);
    const scaled = run(true);
    expect(plain.result.converged).toBe(true);
    expect(Math.max(...plain.x.map(Math.abs))).toBeLessThan(1e-3);
    expect(scaled.result.iterations).toBeLessThan(plain.result.iterations / 4);
  });
});
