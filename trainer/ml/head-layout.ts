/**
 * The head's flat parameter layout and the scoring pieces that training and prediction share.
 */
import * as tf from '@tensorflow/tfjs';
import { padTo4, type Block } from './simd.ts';

/** Sizes that fix the head's flat parameter layout. */
export interface HeadShape {
  kind: 'softmax' | 'mlp';
  numClasses: number;
  lexicalDims: number;
  denseDims: number;
  /** Hidden units of the 'mlp' kind (a multiple of 4); 0 for 'softmax'. */
  hidden: number;
}

/** Where each parameter group sits in the flat vector; `penalized` lists the L2-regularised ones. */
export interface Layout {
  width: number;
  lexical: Segment;
  w1: Segment;
  b1: Segment;
  w2: Segment;
  bias: Segment;
  size: number;
  penalized: Segment[];
}

/** A [offset, length) slice of the parameter vector, both multiples of 4 floats. */
export interface Segment {
  offset: number;
  length: number;
}

/** The parameter layout: lexical weights, dense weights (W1, b1, W2 for 'mlp'), then class biases. */
export function layOut(shape: HeadShape): Layout {
  // Rows of class scores are padded to the SIMD lane count; padded classes keep zero weight.
  const width = padTo4(shape.numClasses);
  let offset = 0;
  const take = (length: number): Segment => {
    const segment = { offset, length: padTo4(length) };
    offset += segment.length;
    return segment;
  };
  const lexical = take(shape.lexicalDims * width);
  const mlp = shape.kind === 'mlp';
  const w1 = take(shape.denseDims * (mlp ? shape.hidden : width));
  const b1 = take(mlp ? shape.hidden : 0);
  const w2 = take(mlp ? shape.hidden * width : 0);
  const bias = take(width);
  return { width, lexical, w1, b1, w2, bias, size: offset, penalized: [lexical, w1, w2] };
}

/** A sub-block of `block` covering `segment`, for the SIMD kernels. */
export function sliceBlock(block: Block<Float32Array>, segment: Segment): Block<Float32Array> {
  return { ptr: block.ptr + segment.offset * 4, array: block.array.subarray(segment.offset, segment.offset + segment.length) };
}

/** Dense-part class scores [n, width] for embeddings `x` (without the lexical term or biases). */
export function denseLogits(shape: HeadShape, layout: Layout, params: Float32Array, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const [w1, b1, w2] = denseTensors(shape, layout, params) as [tf.Tensor, tf.Tensor, tf.Tensor];
    return shape.kind === 'mlp' ? forwardMlp(x, w1, b1, w2) : tf.matMul(x, w1);
  });
}

export function denseTensors(shape: HeadShape, layout: Layout, params: Float32Array): tf.Tensor[] {
  const hidden = shape.kind === 'mlp' ? shape.hidden : layout.width;
  const read = (segment: Segment, rows: number, columns: number) =>
    tf.tensor2d(params.slice(segment.offset, segment.offset + rows * columns), [rows, columns]);
  if (shape.kind === 'softmax') return [read(layout.w1, shape.denseDims, hidden)];
  return [read(layout.w1, shape.denseDims, hidden), read(layout.b1, 1, hidden), read(layout.w2, hidden, layout.width)];
}

export function forwardMlp(x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor): tf.Tensor2D {
  return tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2) as tf.Tensor2D;
}

/** Per-example weights n/(K·n_c) over the K classes present, scaled to sum to 1. */
export function balanceWeights(labels: number[], numClasses: number): Float64Array {
  const counts = new Float64Array(numClasses);
  for (const label of labels) counts[label] = (counts[label] ?? 0) + 1;
  const present = counts.filter((count) => count > 0).length;
  return Float64Array.from(labels, (label) => 1 / (present * (counts[label] ?? 1)));
}

/**
 * Turns lexical scores [n, width] into class probabilities in place: adds the dense scores (if
 * any) and the biases, multiplies by `scale` (the inverse temperature), and takes a row-wise
 * softmax over the first `numClasses` columns (padding columns get 0). One pass per row, because
 * this runs on every evaluation of the objective. Subtracting the row maximum keeps exp() finite.
 */
export function softmaxScores(
  scores: Float32Array,
  shape: { n: number; width: number; numClasses: number },
  terms: { bias: Float32Array; dense?: Float32Array; scale?: number },
): void {
  const { n, width, numClasses } = shape;
  const { bias, dense, scale = 1 } = terms;
  for (let i = 0; i < n; i += 1) {
    const row = i * width;
    let max = -Infinity;
    for (let c = 0; c < numClasses; c += 1) {
      scores[row + c] = scale * (scores[row + c]! + (dense ? dense[row + c]! : 0) + bias[c]!);
      // The max of the stored (float32) logits: the float64 sum can round up when stored, and
      // with logits in the billions exp(stored − max) was then e^256 (Infinity as float32).
      if (scores[row + c]! > max) max = scores[row + c]!;
    }
    let sum = 0;
    for (let c = 0; c < numClasses; c += 1) {
      const e = Math.exp(scores[row + c]! - max);
      scores[row + c] = e;
      sum += e;
    }
    for (let c = 0; c < numClasses; c += 1) scores[row + c]! /= sum;
    for (let c = numClasses; c < width; c += 1) scores[row + c] = 0;
  }
}

/** Row-major [n, dims] copy of `rows`. */
export function flatten(rows: Float32Array[], dims: number): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((row, i) => out.set(row.subarray(0, dims), i * dims));
  return out;
}

