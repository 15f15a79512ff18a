/**
 * A fitted head: its parameters, the lexical columns it has weights for, and the lexical model
 * that turns texts into those columns. Scoring is synchronous so it can serve the prediction API.
 */
import * as tf from '@tensorflow/tfjs';
import { buildDesign, remapColumns, subsetRows, type Design } from './design.ts';
import { lexicalFromJSON, type LexicalModel, type LexicalModelJSON } from './lexical.ts';
import { denseLogits, flatten, layOut, softmaxScores, type HeadShape, type Layout } from './head-layout.ts';
import { Arena } from './simd.ts';

/** Rows scored per chunk, bounding the scratch memory of one prediction call. */
const CHUNK_ROWS = 4096;
const FORMAT = 'sift-head';

/** The fitted parameters of a head, in the layout of `shape`. */
export interface HeadState {
  shape: HeadShape;
  l2: number;
  /** Number of training examples, so a later fit can turn l2 back into the C it stood for. */
  trainedOn: number;
  /** Logits are multiplied by this before the softmax (1/temperature; see calibrate.ts). */
  inverseTemperature: number;
  params: Float32Array;
  /** Lexical-model column of each lexical weight row, ascending (columns no training row used are left out). */
  columns: Uint32Array;
  lexical?: LexicalModel;
}

/** A head over dense embeddings plus, for text projects, lexical n-gram features. */
export class FittedHead {
  readonly numClasses: number;
  readonly kind: 'softmax' | 'mlp';
  readonly l2: number;
  readonly layout: Layout;

  constructor(readonly state: HeadState) {
    if (!(state.inverseTemperature > 0)) throw new Error('inverse temperature must be positive');
    this.numClasses = state.shape.numClasses;
    this.kind = state.shape.kind;
    this.l2 = state.l2;
    this.layout = layOut(state.shape);
  }

  predictProba(features: { dense: Float32Array[]; texts?: string[] }): Float32Array[] {
    const texts = this.state.lexical ? features.texts : undefined;
    // Texts are turned into lexical rows a chunk at a time, so scoring a pool of 100,000 long
    // texts never holds all their rows at once.
    const out: Float32Array[] = [];
    for (let start = 0; start < features.dense.length; start += CHUNK_ROWS) {
      const end = Math.min(start + CHUNK_ROWS, features.dense.length);
      out.push(...this.predictDesign(buildDesign(features.dense.slice(start, end), texts?.slice(start, end), this.state.lexical)));
    }
    return out;
  }

  /** Class probabilities for the rows of a design built with this head's lexical model. */
  predictDesign(design: Design): Float32Array[] {
    const { shape } = this.state;
    if (design.dense.length > 0 && design.denseDims !== shape.denseDims) {
      throw new Error(`head expects ${shape.denseDims}-dimensional embeddings, got ${design.denseDims}`);
    }
    const out: Float32Array[] = [];
    for (let start = 0; start < design.dense.length; start += CHUNK_ROWS) {
      const rows = Array.from({ length: Math.min(CHUNK_ROWS, design.dense.length - start) }, (_, k) => start + k);
      const sparse = design.sparse && subsetRows(design.sparse, rows);
      const dense = rows.map((i) => design.dense[i]!);
      out.push(...this.scoreChunk(dense, sparse && remapColumns(sparse, this.state.columns, design.lexical?.dims ?? 0)));
    }
    return out;
  }

  serialize(): { meta: Record<string, unknown>; weights: Uint8Array } {
    const { shape, l2, trainedOn, inverseTemperature, params, columns, lexical } = this.state;
    const lexicalJson = lexical?.toJSON();
    const meta = {
      format: FORMAT,
      version: 1,
      ...shape,
      l2,
      trainedOn,
      inverseTemperature,
      columns: columns.length,
      lexical: lexicalJson && { buckets: lexicalJson.buckets, minDf: lexicalJson.minDf, documents: lexicalJson.documents, dims: lexicalJson.columns.length, characters: lexicalJson.characters ?? true },
    };
    const idf = Float32Array.from(lexicalJson?.idf ?? []);
    const weights = concatBytes([params, columns, Uint32Array.from(lexicalJson?.columns ?? []), idf]);
    return { meta, weights };
  }

  private scoreChunk(rows: Float32Array[], sparse: Design['sparse']): Float32Array[] {
    const { shape, params } = this.state;
    const { layout } = this;
    const n = rows.length;
    const nnz = sparse?.values.length ?? 0;
    // The SIMD kernels need the lexical weights copied into their memory: worth it when the chunk
    // touches more weights than the copy moves (the trainer scoring a pool), not for a prediction
    // request of a few sentences, where the copy (megabytes) would cost more than the scoring.
    const scores =
      sparse && nnz * layout.width >= layout.lexical.length
        ? this.lexicalScoresSimd(n, sparse)
        : lexicalScores(n, sparse, params.subarray(0, layout.lexical.length), layout.width);
    let dense: Float32Array | undefined;
    if (shape.denseDims > 0) {
      const x = tf.tensor2d(flatten(rows, shape.denseDims), [n, shape.denseDims]);
      const logits = denseLogits(shape, layout, params, x);
      dense = logits.dataSync() as Float32Array;
      tf.dispose([x, logits]);
    }
    const terms = { bias: params.subarray(layout.bias.offset), dense, scale: this.state.inverseTemperature };
    softmaxScores(scores, { n, width: layout.width, numClasses: shape.numClasses }, terms);
    return Array.from({ length: n }, (_, i) => scores.slice(i * layout.width, i * layout.width + shape.numClasses));
  }

  /** The rows' lexical scores (n × width) through the SIMD kernels. */
  private lexicalScoresSimd(n: number, sparse: NonNullable<Design['sparse']>): Float32Array {
    const { layout } = this;
    const nnz = sparse.values.length;
    const arena = new Arena(Arena.bytesFor([layout.lexical.length, n * layout.width, nnz, nnz, nnz]));
    try {
      return this.lexicalScoresIn(arena, n, sparse).slice();
    } finally {
      arena.dispose();
    }
  }

  /** {@link lexicalScoresSimd} in `arena`: the result is a view into it. */
  private lexicalScoresIn(arena: Arena, n: number, sparse: NonNullable<Design['sparse']>): Float32Array {
    const { layout } = this;
    const nnz = sparse.values.length;
    const weights = arena.floats(layout.lexical.length);
    weights.array.set(this.state.params.subarray(0, layout.lexical.length));
    const scores = arena.floats(n * layout.width);
    const rowOf = new Uint32Array(nnz);
    for (let i = 0; i < n; i += 1) rowOf.fill(i, sparse.indptr[i], sparse.indptr[i + 1]);
    const values = arena.floats(nnz);
    values.array.set(sparse.values);
    arena.axpyRows({ dstRows: arena.indices(rowOf), srcRows: arena.indices(sparse.indices), values, count: nnz }, scores, weights, layout.width);
    return scores.array;
  }
}

/** The rows' lexical scores (n × width) in plain JS, reading the weights where they are. */
function lexicalScores(n: number, sparse: Design['sparse'], weights: Float32Array, width: number): Float32Array {
  const scores = new Float32Array(n * width);
  if (!sparse) return scores;
  const { indptr, indices, values } = sparse;
  for (let i = 0; i < n; i += 1) {
    const dst = i * width;
    for (let p = indptr[i]!; p < indptr[i + 1]!; p += 1) {
      const value = values[p]!;
      const src = indices[p]! * width;
      for (let k = 0; k < width; k += 1) scores[dst + k]! += value * weights[src + k]!;
    }
  }
  return scores;
}

/** Rebuilds a head from {@link FittedHead.serialize} output. */
export function deserializeFittedHead(data: { meta: Record<string, unknown>; weights: Uint8Array }): FittedHead {
  const meta = data.meta as Partial<HeadShape> & { format?: string; version?: number; l2?: number; trainedOn?: number; inverseTemperature?: number; columns?: number; lexical?: Omit<LexicalModelJSON, 'version' | 'columns' | 'idf'> & { dims: number } };
  if (meta.format !== FORMAT || meta.version !== 1) throw new Error('not a serialized Sift head (format/version mismatch)');
  const shape: HeadShape = {
    kind: meta.kind === 'mlp' ? 'mlp' : 'softmax',
    numClasses: Number(meta.numClasses),
    lexicalDims: Number(meta.lexicalDims),
    denseDims: Number(meta.denseDims),
    hidden: Number(meta.hidden),
  };
  const layout = layOut(shape);
  const lexicalDims = meta.lexical?.dims ?? 0;
  const reader = new ByteReader(data.weights);
  const params = reader.floats(layout.size);
  const columns = reader.uints(Number(meta.columns ?? 0));
  const buckets = reader.uints(lexicalDims);
  const idf = reader.floats(lexicalDims);
  const lexical = meta.lexical && lexicalFromJSON({ version: 1, buckets: meta.lexical.buckets, minDf: meta.lexical.minDf, documents: meta.lexical.documents, columns: Array.from(buckets), idf: Array.from(idf), characters: meta.lexical.characters !== false });
  return new FittedHead({ shape, l2: Number(meta.l2), trainedOn: Number(meta.trainedOn ?? 0), inverseTemperature: Number(meta.inverseTemperature ?? 1), params, columns, lexical });
}

/** Little-endian bytes of the arrays, back to back. */
function concatBytes(arrays: (Float32Array | Uint32Array)[]): Uint8Array {
  const total = arrays.reduce((sum, array) => sum + array.length * 4, 0);
  const view = new DataView(new ArrayBuffer(total));
  let offset = 0;
  for (const array of arrays) {
    const isFloat = array instanceof Float32Array;
    for (let i = 0; i < array.length; i += 1, offset += 4) {
      if (isFloat) view.setFloat32(offset, array[i]!, true);
      else view.setUint32(offset, array[i]!, true);
    }
  }
  return new Uint8Array(view.buffer);
}

class ByteReader {
  private offset = 0;
  private readonly view: DataView;

  constructor(bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  floats(count: number): Float32Array {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i += 1) out[i] = this.view.getFloat32(this.take(), true);
    return out;
  }

  uints(count: number): Uint32Array {
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i += 1) out[i] = this.view.getUint32(this.take(), true);
    return out;
  }

  private take(): number {
    if (this.offset + 4 > this.view.byteLength) throw new Error('serialized head weights are truncated');
    const at = this.offset;
    this.offset += 4;
    return at;
  }
}
