/**
 * The head's training objective: class-balanced softmax cross-entropy plus L2 on the weights (not
 * the biases), over a wide-and-deep model whose logits add a linear term on the sparse lexical
 * rows (SIMD kernels) to a dense term on the embeddings (TF.js: a linear map for 'softmax', one
 * ReLU hidden layer for 'mlp').
 */
import * as tf from '@tensorflow/tfjs';
import { balanceWeights, denseLogits, denseTensors, flatten, sliceBlock, softmaxScores, type HeadShape, type Layout } from './head-layout.ts';
import { type SparseRows } from './lexical.ts';
import { type Objective } from './optimize.ts';
import { Arena, type Block, type PairList } from './simd.ts';
import { loadSparse, type SparsePairs } from './sparse-pairs.ts';

/** Training rows for one fit: sparse lexical rows (columns already local to the layout) and dense rows. */
export interface TrainingRows {
  sparse?: SparseRows;
  dense: Float32Array[];
  labels: number[];
  /** Weigh every example 1/n instead of class-balanced (for comparisons in tests). */
  unweighted?: boolean;
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
    this.weights = rows.unweighted ? new Float64Array(this.n).fill(1 / this.n) : balanceWeights(rows.labels, shape.numClasses);
    this.labels = rows.labels;
    this.scores = arena.floats(this.n * layout.width);
    if (rows.sparse && shape.lexicalDims > 0) this.sparse = loadSparse(arena, rows.sparse, shape.lexicalDims);
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
   * with squared features), as a Gauss–Newton diagonal for the hidden layer of 'mlp'. Rare
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
      if (shape.kind === 'softmax') {
        out.array.set(readAndDispose(tf.tidy(() => tf.matMul(this.squaredXT!, tf.tensor2d(scores, [n, layout.width])))), layout.w1.offset);
      }
      else this.hiddenLayerDiagonal(params.array, scores, out.array);
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
    const bias = params.array.subarray(layout.bias.offset);
    softmaxScores(scores.array, { n, width: layout.width, numClasses: shape.numClasses }, { bias, dense });
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

  /**
   * For 'mlp', the Gauss–Newton diagonal: with hidden activations A = relu(X·W1 + b1) and
   * per-class curvature weights M, W2 gets (A²)ᵀ·M, and the curvature reaching hidden unit h of
   * example i, G = (M·(W2²)ᵀ) ⊙ [A > 0], gives W1 (X²)ᵀ·G and b1 the column sums of G.
   */
  private hiddenLayerDiagonal(params: Float32Array, curvature: Float32Array, out: Float32Array): void {
    const { layout, shape, n } = this;
    const [w1, b1, w2] = denseTensors(shape, layout, params) as [tf.Tensor, tf.Tensor, tf.Tensor];
    const m = tf.tensor2d(curvature, [n, layout.width]);
    const [dw2, dw1, db1] = tf.tidy(() => {
      const hidden = tf.relu(tf.add(tf.matMul(this.x!, w1), b1));
      const reaching = tf.mul(tf.matMul(m, tf.transpose(tf.square(w2))), tf.step(hidden));
      return [tf.matMul(tf.transpose(tf.square(hidden)), m), tf.matMul(this.squaredXT!, reaching), tf.sum(reaching, 0)];
    });
    out.set(readAndDispose(dw1!), layout.w1.offset);
    out.set(readAndDispose(db1!), layout.b1.offset);
    out.set(readAndDispose(dw2!), layout.w2.offset);
    tf.dispose([w1, b1, w2, m]);
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
    const [w1, b1, w2] = denseTensors(shape, layout, params) as [tf.Tensor, tf.Tensor, tf.Tensor];
    // Backpropagation by hand with the residual as the upstream gradient: TF.js's own gradients
    // multiply by transposed operands, which its wasm backend runs ~10× slower than a transpose
    // followed by a plain product.
    const grads = tf.tidy(() => {
      const preActivation = tf.add(tf.matMul(this.x!, w1), b1);
      const hidden = tf.relu(preActivation);
      const upstream = tf.mul(tf.matMul(r, tf.transpose(w2)), tf.step(preActivation));
      return [tf.matMul(this.xT!, upstream), tf.sum(upstream, 0), tf.matMul(tf.transpose(hidden), r)];
    });
    [layout.w1, layout.b1, layout.w2].forEach((segment, k) => out.set(readAndDispose(grads[k]!), segment.offset));
    tf.dispose([r, w1, b1, w2]);
  }
}

function readAndDispose(tensor: tf.Tensor): Float32Array {
  const values = tensor.dataSync() as Float32Array;
  tensor.dispose();
  return values;
}

function sumColumns(matrix: Float32Array, n: number, width: number, out: Float32Array): void {
  for (let i = 0; i < n; i += 1) for (let c = 0; c < width; c += 1) out[c] = (out[c] ?? 0) + (matrix[i * width + c] ?? 0);
}
