/**
 * Limited-memory BFGS over vectors in an {@link Arena}. A quasi-Newton method because the head's
 * objective is smooth, convex (for the softmax kind) and badly conditioned when L2 is weak: plain
 * or accelerated gradient descent needs hundreds of passes there, L-BFGS tens, and each pass over
 * the data is the expensive part. Every vector operation runs in the SIMD kernels: with millions
 * of parameters, the two-loop recursion in plain TypeScript would cost more than the pass itself.
 */
import { type Arena, type Block } from './simd.ts';

/** A differentiable function of a flat parameter vector. */
export interface Objective {
  readonly size: number;
  /** Returns f(x) and writes ∇f(x) into `gradient`. */
  evaluate(x: Block<Float32Array>, gradient: Block<Float32Array>): number;
  /**
   * Optionally writes a positive estimate of the Hessian's diagonal at `x` into `out`. L-BFGS
   * then starts each two-loop recursion from its inverse instead of a multiple of the identity,
   * which is the same as running in coordinates rescaled to similar curvature.
   */
  diagonal?(out: Block<Float32Array>, x: Block<Float32Array>): void;
}

/** Stopping rules for {@link minimize}. */
export interface MinimizeOptions {
  maxIterations: number;
  /** Stop when the relative decrease of f over the last iteration falls below this twice running. */
  lossTolerance?: number;
  /** Stop when ‖∇f‖₂ falls below this. */
  gradientTolerance?: number;
  /** Curvature pairs kept; each costs two vectors of arena memory. */
  memory?: number;
  /**
   * Try the full preconditioned step first, even before any curvature pair exists. Right for a
   * start near the optimum (a warm start), where −D⁻¹∇f is a diagonal Newton step; from far away
   * a short first step is safer.
   */
  unitFirstStep?: boolean;
  /** Called after every iteration with the current point (for progress and diagnostics). */
  onIteration?: (iteration: number, loss: number, x: Block<Float32Array>) => void;
}

/** What {@link minimize} reports; `x` holds the minimiser on return. */
export interface MinimizeResult {
  loss: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 12;

/** Vectors {@link minimize} allocates for `memory` curvature pairs (size the arena with it). */
export function minimizerVectorCount(memory = 5): number {
  return 6 + 2 * memory;
}

/**
 * Minimises `objective` from the starting point in `x` (overwritten with the result) by L-BFGS
 * with a backtracking Armijo line search, which suffices because the objectives here are convex
 * or nearly so, and tries the unit step first so that most iterations cost one evaluation.
 */
export function minimize(arena: Arena, objective: Objective, x: Block<Float32Array>, options: MinimizeOptions): MinimizeResult {
  const mark = arena.mark();
  try {
    return iterate(arena, objective, x, options);
  } finally {
    arena.release(mark);
  }
}

function iterate(arena: Arena, objective: Objective, x: Block<Float32Array>, options: MinimizeOptions): MinimizeResult {
  const memory = options.memory ?? 5;
  const lossTolerance = options.lossTolerance ?? 1e-5;
  const gradientTolerance = options.gradientTolerance ?? 1e-5;
  // Every vector is written before it is read, so skip zeroing (first-touching ~100 MB costs).
  const vector = () => arena.floats(objective.size, false);
  let g = vector();
  const next = { x: vector(), g: vector() };
  const direction = vector();
  const inverseDiagonal = vector();
  const scratch = vector();
  prepareInverseDiagonal(objective, x, inverseDiagonal);
  let preconditioned = objective.diagonal !== undefined;
  const pairs = Array.from({ length: memory }, () => ({ s: vector(), y: vector(), rho: 0 }));
  let stored = 0;
  let current = x;
  let loss = objective.evaluate(current, g);
  let evaluations = 1;
  let quietIterations = 0;
  let iterations = 0;
  let converged = Math.sqrt(arena.dot(g, g)) <= gradientTolerance;
  while (!converged && iterations < options.maxIterations) {
    computeDirection(arena, g, direction, pairs.slice(0, stored).reverse(), inverseDiagonal, scratch);
    let slope = arena.dot(g, direction);
    if (!(slope < 0) && stored > 0) {
      // Float32 curvature pairs can go stale; fall back to (scaled) steepest descent rather than stall.
      stored = 0;
      computeDirection(arena, g, direction, [], inverseDiagonal, scratch);
      slope = arena.dot(g, direction);
    }
    // The first step has no curvature information yet: keep it short.
    let step = stored === 0 && !(options.unitFirstStep && iterations === 0) ? Math.min(1, 1 / Math.sqrt(Math.max(-slope, 1e-30))) : 1;
    let nextLoss = Number.NaN;
    for (let tries = 0; tries <= MAX_BACKTRACKS; tries += 1) {
      next.x.array.set(current.array);
      arena.axpy(step, direction, next.x);
      nextLoss = objective.evaluate(next.x, next.g);
      evaluations += 1;
      // A non-finite loss is never a decrease (−Infinity would pass the test below).
      if (Number.isFinite(nextLoss) && nextLoss <= loss + ARMIJO * step * slope) break;
      step *= tries === 0 ? 0.1 : 0.5;
    }
    if (!(Number.isFinite(nextLoss) && nextLoss <= loss + ARMIJO * step * slope)) {
      // No acceptable step: retry from the preconditioned gradient, then from the plain gradient,
      // then give up (usually f is already minimal to float32 precision; `converged` stays false).
      // The diagonal can mislead: a warm start that is confidently wrong on new rows (a class's
      // first labels) has p(1 − p) ≈ 0 there, so its inverse sends those weights ~10¹² too far
      // and no step of the search is short enough: the fit stopped at 0 iterations and the model
      // stayed the previous version's, version after version.
      if (stored === 0 && !preconditioned) break;
      if (stored === 0) {
        inverseDiagonal.array.fill(1);
        preconditioned = false;
      }
      stored = 0;
      continue;
    }
    iterations += 1;
    const pair = stored === memory ? pairs.shift()! : pairs[stored]!;
    if (stored === memory) pairs.push(pair);
    else stored += 1;
    pair.s.array.set(next.x.array);
    arena.axpy(-1, current, pair.s);
    pair.y.array.set(next.g.array);
    arena.axpy(-1, g, pair.y);
    const sy = arena.dot(pair.s, pair.y);
    // A pair without positive curvature would break the inverse-Hessian estimate: drop it.
    if (sy > 1e-12) pair.rho = 1 / sy;
    else stored -= 1;
    // Swap buffers instead of copying; `x` gets the result at the end.
    [current, next.x] = [next.x, current];
    [g, next.g] = [next.g, g];
    const decrease = (loss - nextLoss) / Math.max(Math.abs(nextLoss), 1e-12);
    loss = nextLoss;
    options.onIteration?.(iterations, loss, current);
    quietIterations = decrease < lossTolerance ? quietIterations + 1 : 0;
    converged = quietIterations >= 2 || Math.sqrt(arena.dot(g, g)) <= gradientTolerance;
  }
  if (current !== x) x.array.set(current.array);
  return { loss, iterations, evaluations, converged };
}

/** 1/diagonal from the objective, or all ones without one. */
function prepareInverseDiagonal(objective: Objective, x: Block<Float32Array>, out: Block<Float32Array>): void {
  if (!objective.diagonal) {
    out.array.fill(1);
    return;
  }
  objective.diagonal(out, x);
  for (let i = 0; i < out.array.length; i += 1) out.array[i] = 1 / Math.max(out.array[i]!, 1e-12);
}

/**
 * The two-loop recursion: direction = −H·g with H the L-BFGS inverse-Hessian estimate, seeded by
 * γ·D⁻¹ (D the diagonal estimate, γ = sᵀy / yᵀD⁻¹y from the newest pair).
 */
function computeDirection(
  arena: Arena,
  g: Block<Float32Array>,
  direction: Block<Float32Array>,
  newestFirst: { s: Block<Float32Array>; y: Block<Float32Array>; rho: number }[],
  inverseDiagonal: Block<Float32Array>,
  scratch: Block<Float32Array>,
): void {
  direction.array.set(g.array);
  const alphas: number[] = [];
  for (const pair of newestFirst) {
    const alpha = pair.rho * arena.dot(pair.s, direction);
    alphas.push(alpha);
    arena.axpy(-alpha, pair.y, direction);
  }
  arena.mul(inverseDiagonal, direction);
  const newest = newestFirst[0];
  if (newest) {
    // The usual initial-Hessian scale, measured in the preconditioned metric, so unit steps fit.
    scratch.array.set(newest.y.array);
    arena.mul(inverseDiagonal, scratch);
    const gamma = 1 / (newest.rho * arena.dot(newest.y, scratch));
    arena.axpy(gamma - 1, direction, direction);
  }
  for (let k = newestFirst.length - 1; k >= 0; k -= 1) {
    const pair = newestFirst[k]!;
    const beta = pair.rho * arena.dot(pair.y, direction);
    arena.axpy((alphas[k] ?? 0) - beta, pair.s, direction);
  }
  arena.axpy(-2, direction, direction);
}
