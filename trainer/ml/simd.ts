/**
 * Memory for the SIMD kernels (simd-kernels.ts). An {@link Arena} is one fixed-size WebAssembly
 * memory with a stack-like allocator; every block it hands out is 16-byte aligned and padded to a
 * multiple of 4 floats, which the kernels require. A parallel arena shares its memory with the
 * helper thread (simd-helper.ts) and splits long operations between the two threads.
 */
import { disableKernelHelper, getKernelHelper, HelperOp, type KernelHelper } from './simd-helper.ts';
import { compileKernels, type KernelExports } from './simd-kernels.ts';

/** A float or index array living in an {@link Arena}: `ptr` is its byte offset for the kernels. */
export interface Block<T extends Float32Array | Uint32Array> {
  ptr: number;
  array: T;
}

/** Vectors shorter than this are not worth a round trip to the helper thread. */
const MIN_SPLIT = 1 << 16;

/** One WebAssembly memory sized up front (so views never detach) with the kernels bound to it. */
export class Arena {
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: KernelExports;
  private helper: KernelHelper | undefined;
  private next = 16;

  /** `parallel` asks for the helper thread (when the machine has one) on long operations. */
  constructor(bytes: number, options: { parallel?: boolean } = {}) {
    const pages = Math.ceil((bytes + 64) / 65536);
    let helper = options.parallel ? getKernelHelper() : undefined;
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: helper !== undefined });
    if (helper && !helper.bind(this.memory)) {
      disableKernelHelper();
      helper = undefined;
    }
    this.helper = helper;
    this.kernels = new WebAssembly.Instance(compileKernels(helper !== undefined), { env: { memory: this.memory } }).exports as unknown as KernelExports;
  }

  /** Bytes an arena needs for blocks of these lengths (in elements). */
  static bytesFor(lengths: number[]): number {
    return lengths.reduce((sum, length) => sum + padTo4(length) * 4, 0);
  }

  /** Whether long operations are split with a helper thread. */
  get parallel(): boolean {
    return this.helper !== undefined;
  }

  /** A float block of `length` (padded to a multiple of 4), zeroed unless `zero` is false. */
  floats(length: number, zero = true): Block<Float32Array> {
    const ptr = this.reserve(length);
    const array = new Float32Array(this.memory.buffer, ptr, padTo4(length));
    // Released memory is reused, so zero it as promised.
    if (zero) array.fill(0);
    return { ptr, array };
  }

  /** An index block holding a copy of `values`. */
  indices(values: ArrayLike<number>): Block<Uint32Array> {
    const ptr = this.reserve(values.length);
    const array = new Uint32Array(this.memory.buffer, ptr, padTo4(values.length));
    array.set(values);
    return { ptr, array };
  }

  /** The allocation point, to hand back to {@link release} once blocks allocated after it are unused. */
  mark(): number {
    return this.next;
  }

  /** Frees every block allocated since `mark` (stack discipline: views into them must be dropped). */
  release(mark: number): void {
    this.next = mark;
  }

  /**
   * row(dst, dstRows[p]) += values[p] · row(src, srcRows[p]) for p in [start, end); rows are
   * `rowLength` floats. With `split` (a pair index where no dst row spans both sides), the helper
   * takes [split, end) while this thread does [start, split).
   */
  axpyRows(pairs: PairList, dst: Block<Float32Array>, src: Block<Float32Array>, rowLength: number, split?: number): void {
    const helper = split !== undefined ? this.claimHelper() : undefined;
    if (helper && split !== undefined) {
      helper.post(HelperOp.axpyRows, pairArgs(pairs, dst, src, rowLength, split, pairs.count));
      this.kernels.axpyRows(...pairArgs(pairs, dst, src, rowLength, 0, split));
      helper.wait();
      return;
    }
    this.kernels.axpyRows(...pairArgs(pairs, dst, src, rowLength, 0, pairs.count));
  }

  /**
   * Starts {@link axpyRows} over all pairs on the helper thread and returns a function that waits
   * for it, so the caller can do other work meanwhile (without the helper it runs right away).
   */
  axpyRowsInBackground(pairs: PairList, dst: Block<Float32Array>, src: Block<Float32Array>, rowLength: number): () => void {
    const helper = this.claimHelper();
    if (!helper) {
      this.axpyRows(pairs, dst, src, rowLength);
      return () => {};
    }
    helper.post(HelperOp.axpyRows, pairArgs(pairs, dst, src, rowLength, 0, pairs.count));
    return () => void helper.wait();
  }

  /** y += a·x over whole (equal-length) blocks. */
  axpy(a: number, x: Block<Float32Array>, y: Block<Float32Array>): void {
    this.splitVector(Math.min(x.array.length, y.array.length), (from, count, helper) => {
      if (helper) helper.post(HelperOp.axpy, [count, 0, x.ptr + from * 4, y.ptr + from * 4], a);
      else this.kernels.axpy(count, a, x.ptr + from * 4, y.ptr + from * 4);
      return 0;
    });
  }

  /** y ⊙= x over whole (equal-length) blocks. */
  mul(x: Block<Float32Array>, y: Block<Float32Array>): void {
    this.splitVector(Math.min(x.array.length, y.array.length), (from, count, helper) => {
      if (helper) helper.post(HelperOp.mul, [count, x.ptr + from * 4, y.ptr + from * 4]);
      else this.kernels.mul(count, x.ptr + from * 4, y.ptr + from * 4);
      return 0;
    });
  }

  /** Σ x·y over whole (equal-length) blocks, accumulated in double precision. */
  dot(x: Block<Float32Array>, y: Block<Float32Array>): number {
    return this.splitVector(Math.min(x.array.length, y.array.length), (from, count, helper) => {
      if (helper) helper.post(HelperOp.dot, [count, x.ptr + from * 4, y.ptr + from * 4]);
      return helper ? 0 : this.kernels.dot(count, x.ptr + from * 4, y.ptr + from * 4);
    });
  }

  /** Runs `run` on [0, length), handing the upper half to the helper when long enough; sums results. */
  private splitVector(length: number, run: (from: number, count: number, helper?: KernelHelper) => number): number {
    const helper = length < MIN_SPLIT ? undefined : this.claimHelper();
    if (!helper) return run(0, length);
    const half = padTo4(length / 2);
    run(half, length - half, helper);
    const mine = run(0, half);
    return mine + helper.wait();
  }

  /**
   * The helper, pointed at this arena's memory. Another arena may have borrowed it meanwhile (two
   * fits interleaved on one event loop), so check on every use; rebinding costs a millisecond.
   */
  private claimHelper(): KernelHelper | undefined {
    if (this.helper && !this.helper.bind(this.memory)) {
      disableKernelHelper();
      this.helper = undefined;
    }
    return this.helper;
  }

  /** Lets go of the helper thread so it no longer keeps this arena's memory alive. */
  dispose(): void {
    this.helper?.unbind(this.memory);
  }

  private reserve(length: number): number {
    const ptr = this.next;
    this.next += padTo4(length) * 4;
    if (this.next > this.memory.buffer.byteLength) throw new Error('arena is full: size it with Arena.bytesFor');
    return ptr;
  }
}

/** Sparse (row, column, value) pairs in an arena, for {@link Arena.axpyRows}. */
export interface PairList {
  dstRows: Block<Uint32Array>;
  srcRows: Block<Uint32Array>;
  values: Block<Float32Array>;
  count: number;
}

function pairArgs(pairs: PairList, dst: Block<Float32Array>, src: Block<Float32Array>, rowLength: number, from: number, to: number): [number, number, number, number, number, number, number] {
  if (rowLength % 4 !== 0) throw new Error('row length must be a multiple of 4');
  return [dst.ptr, pairs.dstRows.ptr + from * 4, src.ptr, pairs.srcRows.ptr + from * 4, pairs.values.ptr + from * 4, to - from, rowLength * 4];
}

/** `length` rounded up to a multiple of 4, the SIMD lane count. */
export function padTo4(length: number): number {
  return Math.ceil(length / 4) * 4;
}
