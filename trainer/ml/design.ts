/**
 * A design matrix: the rows a head trains on or scores, as sparse lexical rows (columns of the
 * project's lexical model) beside dense embeddings. Transforming texts is the slow step, so
 * cross-validation builds one design and takes row subsets of it.
 */
import { type LexicalModel, type SparseRows } from './lexical.ts';

/** Rows for a head: embeddings, and lexical rows when the project has texts. */
export interface Design {
  dense: Float32Array[];
  denseDims: number;
  sparse?: SparseRows;
  lexical?: LexicalModel;
}

/** Builds the design for `dense` vectors and, with a lexical model, their `texts`. */
export function buildDesign(dense: Float32Array[], texts: string[] | undefined, lexical: LexicalModel | undefined): Design {
  const denseDims = dense[0]?.length ?? 0;
  if (dense.some((row) => row.length !== denseDims)) throw new Error('dense feature vectors differ in length');
  if (!texts || !lexical) return { dense, denseDims };
  if (texts.length !== dense.length) throw new Error(`${texts.length} texts for ${dense.length} dense vectors`);
  return { dense, denseDims, sparse: lexical.transform(texts), lexical };
}

/** The rows `indices` of `design`, in that order. */
export function subsetDesign(design: Design, indices: number[]): Design {
  const dense = indices.map((i) => design.dense[i]!);
  return { ...design, dense, sparse: design.sparse && subsetRows(design.sparse, indices) };
}

/** The CSR rows `indices` of `rows`, in that order. */
export function subsetRows(rows: SparseRows, indices: number[]): SparseRows {
  const indptr = new Uint32Array(indices.length + 1);
  indices.forEach((row, k) => (indptr[k + 1] = indptr[k]! + (rows.indptr[row + 1]! - rows.indptr[row]!)));
  const nnz = indptr[indices.length]!;
  const out = { indptr, indices: new Uint32Array(nnz), values: new Float32Array(nnz), nRows: indices.length };
  indices.forEach((row, k) => {
    const start = rows.indptr[row]!;
    const end = rows.indptr[row + 1]!;
    out.indices.set(rows.indices.subarray(start, end), indptr[k]);
    out.values.set(rows.values.subarray(start, end), indptr[k]);
  });
  return out;
}

/** The distinct columns that occur in `rows`, ascending. */
export function usedColumns(rows: SparseRows, dims: number): Uint32Array {
  const seen = new Uint8Array(dims);
  let count = 0;
  for (let p = 0; p < rows.indices.length; p += 1) {
    const column = rows.indices[p]!;
    if (seen[column] === 0) count += 1;
    seen[column] = 1;
  }
  const out = new Uint32Array(count);
  for (let column = 0, k = 0; column < dims; column += 1) if (seen[column]) out[k++] = column;
  return out;
}

/**
 * Rewrites `rows` to the column space `columns` (ascending global columns): column columns[k]
 * becomes k and entries in other columns are dropped (their weights are zero anyway).
 */
export function remapColumns(rows: SparseRows, columns: Uint32Array, dims: number): SparseRows {
  const localOf = new Int32Array(dims).fill(-1);
  for (let k = 0; k < columns.length; k += 1) localOf[columns[k]!] = k;
  const indptr = new Uint32Array(rows.nRows + 1);
  const indices = new Uint32Array(rows.indices.length);
  const values = new Float32Array(rows.indices.length);
  let nnz = 0;
  for (let i = 0; i < rows.nRows; i += 1) {
    for (let p = rows.indptr[i]!; p < rows.indptr[i + 1]!; p += 1) {
      const local = localOf[rows.indices[p]!]!;
      if (local < 0) continue;
      indices[nnz] = local;
      values[nnz++] = rows.values[p]!;
    }
    indptr[i + 1] = nnz;
  }
  return { indptr, indices: indices.slice(0, nnz), values: values.slice(0, nnz), nRows: rows.nRows };
}
