/**
 * The head's training objective: class-balanced softmax cross-entropy plus L2 on the weights (not
 * the biases), over a wide-and-deep model whose logits add a linear term on the sparse lexical
 * rows (SIMD kernels) to a dense term on the embeddings (TF.js: a linear map for 'softmax', one
 * ReLU hidden layer for 'mlp').
 */
import * as tf from '@tensorflow/tfjs';
import { addBias, balanceWeights, denseLogits, denseTensors, flatten, forwardMlp, sliceBlock, softmaxRows, type HeadShape, type Layout } from './head-layout.ts';
import { type SparseRows } from './lexical.ts';
import { type Objective } from './optimize.ts';
import { Arena, type Block, type PairList } from './simd.ts';

/** Training rows for one fit: sparse lexical rows (columns already local to the layout) and dense rows. */
export interface TrainingRows {
  sparse?: SparseRows;
  dense: Float32Array[];
  labels: number[];
}

/** The objective over one training set; call `dispose` to free its tensors. */
export class HeadObjective implements Objective {
  readonly size: number;
  private readonly n: number;
  private readonly labels: number[];
  private readonly weights: Float64Array;
  private readonly x: tf.Tensor2D | undefined;
  private readonly xT: tf.Tensor2D | undefined;
  private readonly scores: Block<Float32Array>;
  private readonly squaredXT: tf.Tensor2D | undefined;
  private readonly denseMoments: Float64Array;
  private readonly sparse?: SparsePairs;

  constructor(
    private readonly arena: Arena,
    private readonly shape: HeadShape,
    private readonly layout: Layout,
    rows: TrainingRows,
    /** L2 strength; may change between minimisations (an L2 path reuses one objective). */
    public l2: number,
  ) {
    this.size = layout.size;
    this.n = rows.labels.length;
    this.weights = balanceWeights(rows.labels, shape.numClasses);
    this.labels = rows.labels;
    this.scores = arena.floats(this.n * layout.width);
    this.denseMoments = new Float64Array(shape.denseDims);
    if (rows.sparse && shape.lexicalDims > 0) this.sparse = loadSparse(arena, rows.sparse, shape.lexicalDims);
    for (let i = 0; i < this.n; i += 1) {
      const row = rows.dense[i]!;
      for (let k = 0; k < shape.denseDims; k += 1) this.denseMoments[k]! += this.weights[i]! * row[k]! * row[k]!;
    }
    if (shape.denseDims > 0) {
      this.x = tf.tensor2d(flatten(rows.dense, shape.denseDims), [this.n, shape.denseDims]);
      // TF.js's wasm matMul is ~10× slower with transposeA than on a stored transpose.
      this.xT = tf.tidy(() => tf.transpose(this.x!));
      this.squaredXT = tf.tidy(() => tf.square(this.xT!));
    }
  }

  /** Arena floats one objective needs besides the parameter vectors. */
  static arenaBytes(layout: Layout, rows: TrainingRows): number {
    const nnz = rows.sparse?.values.length ?? 0;
    return Arena.bytesFor([rows.labels.length * layout.width, nnz, nnz, nnz, nnz, nnz, nnz, nnz]);
  }

  /**
   * With a helper thread and embeddings, the helper runs the sparse product while this thread runs
   * TF.js's dense one (the two take about as long); without embeddings both threads split the
   * sparse product.
   */
  evaluate(params: Block<Float32Array>, gradient: Block<Float32Array>): number {
    const { layout, arena } = this;
    this.computeProbabilities(params);
    const loss = this.toResidual(this.scores.array);
    this.backPropagate(this.scores, gradient, this.sparse?.backward, () => {
      if (this.x) this.denseGradient(params.array, this.scores.array, gradient.array);
    });
    let penalty = 0;
    for (const segment of layout.penalized) {
      const w = sliceBlock(params, segment);
      penalty += arena.dot(w, w);
      arena.axpy(this.l2, w, sliceBlock(gradient, segment));
    }
    return loss + 0.5 * this.l2 * penalty;
  }

  /**
   * The Hessian's diagonal at `params`: Σᵢ wᵢ·xᵢⱼ²·pᵢ꜀(1−pᵢ꜀) (+λ) for the weight of feature j
   * on class c, Σᵢ wᵢ·pᵢ꜀(1−pᵢ꜀) for a bias. Computed exactly for the linear parts (one more pass
   * with squared features); the hidden layer of 'mlp' gets a cruder feature-scale estimate. Rare
   * n-grams have tiny curvature and frequent ones large, and a class's curvature depends on how
   * unsure the model is about it: without this L-BFGS needs about twice the iterations.
   */
  diagonal(out: Block<Float32Array>, params: Block<Float32Array>): void {
    const { layout, shape, n } = this;
    this.computeProbabilities(params);
    const scores = this.scores.array;
    for (let i = 0; i < n; i += 1) {
      for (let c = 0; c < layout.width; c += 1) {
        const p = scores[i * layout.width + c]!;
        scores[i * layout.width + c] = this.weights[i]! * p * (1 - p);
      }
    }
    this.backPropagate(this.scores, out, this.sparse?.squared, () => {
      if (!this.squaredXT) return;
      if (shape.kind === 'softmax') out.array.set(readAndDispose(tf.matMul(this.squaredXT, tf.tensor2d(scores, [n, layout.width]))), layout.w1.offset);
      else this.estimateHiddenDiagonal(out.array);
    });
    for (const segment of layout.penalized) {
      for (let k = segment.offset; k < segment.offset + segment.length; k += 1) out.array[k]! += this.l2;
    }
    // Padded classes have no curvature (and no gradient): any positive value will do.
    for (let k = 0; k < out.array.length; k += 1) out.array[k] = Math.max(out.array[k]!, 1e-12);
  }

  /** Frees the TF.js tensors holding the embeddings. */
  dispose(): void {
    tf.dispose([this.x, this.xT, this.squaredXT].filter((t): t is tf.Tensor2D => t !== undefined));
  }

  /** Class probabilities at `params` into `scores`. */
  private computeProbabilities(params: Block<Float32Array>): void {
    const { layout, shape, arena, n, sparse } = this;
    const scores = this.scores;
    scores.array.fill(0);
    const lexicalWeights = sliceBlock(params, layout.lexical);
    let waitForSparse = () => {};
    if (sparse && this.x) waitForSparse = arena.axpyRowsInBackground(sparse.forward, scores, lexicalWeights, layout.width);
    else if (sparse) arena.axpyRows(sparse.forward, scores, lexicalWeights, layout.width, sparse.forwardSplit);
    const dense = this.x && readAndDispose(denseLogits(shape, layout, params.array, this.x));
    waitForSparse();
    if (dense) for (let i = 0; i < dense.length; i += 1) scores.array[i]! += dense[i]!;
    addBias(scores.array, params.array.subarray(layout.bias.offset), n, layout.width);
    softmaxRows(scores.array, n, layout.width, shape.numClasses);
  }

  /**
   * out = (sparse pairs)ᵀ·rows for the lexical part, `dense()` for the dense part, column sums of
   * `rows` for the biases. The helper writes only the lexical part, this thread only the rest.
   */
  private backPropagate(rows: Block<Float32Array>, out: Block<Float32Array>, pairs: PairList | undefined, dense: () => void): void {
    const { layout, arena, n } = this;
    out.array.fill(0);
    const lexical = sliceBlock(out, layout.lexical);
    let waitForSparse = () => {};
    if (pairs && this.x) waitForSparse = arena.axpyRowsInBackground(pairs, lexical, rows, layout.width);
    else if (pairs) arena.axpyRows(pairs, lexical, rows, layout.width, this.sparse!.backwardSplit);
    dense();
    sumColumns(rows.array, n, layout.width, out.array.subarray(layout.bias.offset));
    waitForSparse();
  }

  /** For 'mlp': λ-free feature-scale estimate q·Σᵢ wᵢxᵢₖ² for W1, its mean for b1 and W2. */
  private estimateHiddenDiagonal(out: Float32Array): void {
    const { layout, shape } = this;
    const q = (1 / shape.numClasses) * (1 - 1 / shape.numClasses);
    this.denseMoments.forEach((moment, k) => out.fill(q * moment, layout.w1.offset + k * shape.hidden, layout.w1.offset + (k + 1) * shape.hidden));
    const mean = this.denseMoments.reduce((sum, m) => sum + m, 0) / Math.max(1, this.denseMoments.length);
    out.fill(q * mean, layout.b1.offset, layout.w2.offset + layout.w2.length);
  }

  /** Turns probabilities into weighted residuals w_i·(p − onehot) in place; returns the weighted loss. */
  private toResidual(proba: Float32Array): number {
    const width = this.layout.width;
    let loss = 0;
    for (let i = 0; i < this.n; i += 1) {
      const row = i * width;
      const label = this.labels[i] ?? 0;
      const weight = this.weights[i] ?? 0;
      loss -= weight * Math.log(Math.max(proba[row + label] ?? 0, 1e-30));
      proba[row + label] = (proba[row + label] ?? 0) - 1;
      for (let c = 0; c < width; c += 1) proba[row + c] = (proba[row + c] ?? 0) * weight;
    }
    return loss;
  }

  private denseGradient(params: Float32Array, residual: Float32Array, out: Float32Array): void {
    const { shape, layout, n } = this;
    const r = tf.tensor2d(residual, [n, layout.width]);
    if (shape.kind === 'softmax') {
      const grad = tf.matMul(this.xT!, r);
      out.set(grad.dataSync(), layout.w1.offset);
      tf.dispose([grad, r]);
      return;
    }
    const tensors = denseTensors(shape, layout, params);
    // ∂ sum(logits ⊙ residual)/∂θ is backpropagation with the residual as the upstream gradient.
    const grads = tf.grads((w1, b1, w2) => tf.sum(tf.mul(forwardMlp(this.x!, w1, b1, w2), r)))(tensors);
    [layout.w1, layout.b1, layout.w2].forEach((segment, k) => out.set(grads[k]!.dataSync(), segment.offset));
    tf.dispose([r, ...tensors, ...grads]);
  }
}

/** The sparse rows as pair lists: by row for X·W, by column for Xᵀ·R, each with a balanced split point. */
interface SparsePairs {
  forward: PairList;
  backward: PairList;
  /** `backward` with squared values, for the Hessian diagonal. */
  squared: PairList;
  forwardSplit: number;
  backwardSplit: number;
}

function loadSparse(arena: Arena, sparse: SparseRows, columns: number): SparsePairs {
  const nnz = sparse.values.length;
  const rowOf = new Uint32Array(nnz);
  for (let i = 0; i < sparse.nRows; i += 1) rowOf.fill(i, sparse.indptr[i], sparse.indptr[i + 1]);
  // Counting sort by column gives the transpose in O(nnz).
  const columnStart = new Uint32Array(columns + 1);
  for (const column of sparse.indices) columnStart[column + 1]! += 1;
  for (let c = 0; c < columns; c += 1) columnStart[c + 1]! += columnStart[c]!;
  const cursor = columnStart.slice(0, columns);
  const byColumn = { rows: new Uint32Array(nnz), columns: new Uint32Array(nnz), values: new Float32Array(nnz) };
  for (let p = 0; p < nnz; p += 1) {
    const q = cursor[sparse.indices[p]!]!++;
    byColumn.rows[q] = rowOf[p]!;
    byColumn.columns[q] = sparse.indices[p]!;
    byColumn.values[q] = sparse.values[p]!;
  }
  const values = (from: Float32Array) => {
    const block = arena.floats(nnz, false);
    block.array.set(from);
    return block;
  };
  const backward = { dstRows: arena.indices(byColumn.columns), srcRows: arena.indices(byColumn.rows), values: values(byColumn.values), count: nnz };
  return {
    forward: { dstRows: arena.indices(rowOf), srcRows: arena.indices(sparse.indices), values: values(sparse.values), count: nnz },
    backward,
    squared: { ...backward, values: values(byColumn.values.map((value) => value * value)) },
    forwardSplit: balancedSplit(sparse.indptr),
    backwardSplit: balancedSplit(columnStart),
  };
}

/** The boundary in `starts` (ascending offsets) closest to half of the last one. */
function balancedSplit(starts: Uint32Array): number {
  const half = starts[starts.length - 1]! / 2;
  let best = 0;
  for (const start of starts) if (Math.abs(start - half) < Math.abs(best - half)) best = start;
  return best;
}

function readAndDispose(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

function sumColumns(matrix: Float32Array, n: number, width: number, out: Float32Array): void {
  for (let i = 0; i < n; i += 1) for (let c = 0; c < width; c += 1) out[c] = (out[c] ?? 0) + (matrix[i * width + c] ?? 0);
}
