/**
 * Sparse lexical rows laid out for the SIMD kernels: (row, column, value) pairs sorted by row for
 * X·W and by column for Xᵀ·R, so each can be split between two threads without two threads ever
 * writing the same output row.
 */
import { type SparseRows } from './lexical.ts';
import { type Arena, type PairList } from './simd.ts';

/** The sparse rows as pair lists: by row for X·W, by column for Xᵀ·R, each with a balanced split point. */
export interface SparsePairs {
  forward: PairList;
  backward: PairList;
  /** `backward` with squared values, for the Hessian diagonal. */
  squared: PairList;
  forwardSplit: number;
  backwardSplit: number;
}

/** Copies `sparse` (columns < `columns`) into `arena` as pair lists. */
export function loadSparse(arena: Arena, sparse: SparseRows, columns: number): SparsePairs {
  const nnz = sparse.values.length;
  const rowOf = arena.indices(new Uint32Array(nnz));
  for (let i = 0; i < sparse.nRows; i += 1) rowOf.array.fill(i, sparse.indptr[i], sparse.indptr[i + 1]);
  const forward = { dstRows: rowOf, srcRows: arena.indices(sparse.indices), values: arena.floats(nnz, false), count: nnz };
  forward.values.array.set(sparse.values);
  // Counting sort by column gives the transpose in O(nnz).
  const columnStart = new Uint32Array(columns + 1);
  for (let p = 0; p < nnz; p += 1) columnStart[sparse.indices[p]! + 1]! += 1;
  for (let c = 0; c < columns; c += 1) columnStart[c + 1]! += columnStart[c]!;
  const cursor = columnStart.slice(0, columns);
  const byColumn = { dstRows: arena.indices(new Uint32Array(nnz)), srcRows: arena.indices(new Uint32Array(nnz)), values: arena.floats(nnz, false), count: nnz };
  const squared = arena.floats(nnz, false);
  for (let p = 0; p < nnz; p += 1) {
    const column = sparse.indices[p]!;
    const q = cursor[column]!++;
    const value = sparse.values[p]!;
    byColumn.dstRows.array[q] = column;
    byColumn.srcRows.array[q] = rowOf.array[p]!;
    byColumn.values.array[q] = value;
    squared.array[q] = value * value;
  }
  return {
    forward,
    backward: byColumn,
    squared: { ...byColumn, values: squared },
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
