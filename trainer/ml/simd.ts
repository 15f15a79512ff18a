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

/** The largest WebAssembly memory (wasm32: 65,536 pages of 64 KiB = 4 GiB). */
const MAX_PAGES = 65536;
const PAGE = 65536;

/** A WebAssembly memory with the kernels instantiated on it, lent to one arena at a time. */
interface PooledMemory {
  memory: WebAssembly.Memory;
  kernels: KernelExports;
  shared: boolean;
}

/**
 * The process's arena memories, reused from fit to fit. A fit needs hundreds of megabytes (17
 * parameter-sized vectors), and a fresh memory per fit leaked: a shared memory stays alive while
 * any thread that saw it still holds it, and the helper thread, parked in Atomics.wait, almost
 * never collects its garbage, so every fit's memory stayed resident (about 25 MB a fit at 2,000
 * banking77 labels; gigabytes over a working day).
 *
 * Bound and eviction: at most one idle memory of each kind (shared for the helper, plain
 * otherwise) is kept, the larger one; an arena that needs more grows the idle memory in place, so
 * what stays resident is the largest arena the process has needed (17 × (lexical columns in use +
 * embedding size) × classes × 4 bytes, plus the sparse rows: about 180 MB for a 10,000-label,
 * 77-class text project). A shared memory let go is freed by restarting the helper thread.
 */
class ArenaMemoryPool {
  private readonly idle = new Map<boolean, PooledMemory>();
  private lentBytes = 0;

  acquire(bytes: number, shared: boolean): PooledMemory {
    const pages = Math.ceil((bytes + 64) / PAGE);
    if (pages > MAX_PAGES) throw new Error(`an arena of ${bytes} bytes exceeds WebAssembly's 4 GiB memory`);
    let pooled = this.idle.get(shared);
    this.idle.delete(shared);
    if (pooled) {
      const have = pooled.memory.buffer.byteLength / PAGE;
      // Grown in place: a shared memory keeps its address, and no view of an idle one is in use.
      // The helper thread learns of the new size only asynchronously, so it is pointed at the
      // memory afresh before its next operation.
      if (have < pages) {
        pooled.memory.grow(pages - have);
        if (shared) getKernelHelper()?.rebindLater(pooled.memory);
      }
    } else {
      // A shared memory must declare its maximum; the address space is reserved, not committed.
      const memory = new WebAssembly.Memory({ initial: pages, maximum: shared ? MAX_PAGES : undefined, shared });
      const kernels = new WebAssembly.Instance(compileKernels(shared), { env: { memory } }).exports as unknown as KernelExports;
      pooled = { memory, kernels, shared };
    }
    this.lentBytes += pooled.memory.buffer.byteLength;
    return pooled;
  }

  release(pooled: PooledMemory): void {
    this.lentBytes -= pooled.memory.buffer.byteLength;
    const idle = this.idle.get(pooled.shared);
    const [keep, drop] = !idle || pooled.memory.buffer.byteLength >= idle.memory.buffer.byteLength ? [pooled, idle] : [idle, pooled];
    this.idle.set(pooled.shared, keep);
    if (drop) this.letGo(drop);
  }

  /** Bytes of arena memory now: lent to arenas, and kept idle for the next one. */
  stats(): { lentBytes: number; idleBytes: number } {
    let idleBytes = 0;
    for (const pooled of this.idle.values()) idleBytes += pooled.memory.buffer.byteLength;
    return { lentBytes: this.lentBytes, idleBytes };
  }

  private letGo(pooled: PooledMemory): void {
    if (pooled.shared) getKernelHelper()?.forget(pooled.memory);
  }
}

const pool = new ArenaMemoryPool();

/** Bytes of WebAssembly memory the SIMD arenas hold: lent to live arenas, and one idle memory per kind kept for reuse. */
export function arenaMemoryStats(): { lentBytes: number; idleBytes: number } {
  return pool.stats();
}

/**
 * A stack-like allocator over a pooled WebAssembly memory with the kernels bound to it. The
 * memory goes back to the pool on {@link dispose}; an arena never grows, so views never detach.
 */
export class Arena {
  private readonly pooled: PooledMemory;
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: KernelExports;
  private readonly capacity: number;
  private helper: KernelHelper | undefined;
  private disposed = false;
  private next = 16;

  /** `parallel` asks for the helper thread (when the machine has one) on long operations. */
  constructor(bytes: number, options: { parallel?: boolean } = {}) {
    let helper = options.parallel ? getKernelHelper() : undefined;
    this.pooled = pool.acquire(bytes, helper !== undefined);
    this.memory = this.pooled.memory;
    this.kernels = this.pooled.kernels;
    // Page-rounded as when each arena had its own memory of whole pages.
    this.capacity = Math.ceil((bytes + 64) / PAGE) * PAGE;
    if (helper && !helper.bind(this.memory)) {
      disableKernelHelper();
      helper = undefined;
    }
    this.helper = helper;
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
    // Memory is reused (released blocks, pooled memories), so zero it as promised. The padding is
    // zeroed even when the caller writes the rest: whole-block dots and axpys run over it.
    array.fill(0, zero ? 0 : length);
    return { ptr, array };
  }

  /** An index block holding a copy of `values`. */
  indices(values: ArrayLike<number>): Block<Uint32Array> {
    const ptr = this.reserve(values.length);
    const array = new Uint32Array(this.memory.buffer, ptr, padTo4(values.length));
    array.set(values);
    array.fill(0, values.length);
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

  /**
   * Hands the memory back to the pool for the next arena; every view into it must be dropped.
   * An arena that is never disposed is simply collected (its memory is not reused).
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    pool.release(this.pooled);
  }

  private reserve(length: number): number {
    const ptr = this.next;
    this.next += padTo4(length) * 4;
    if (this.disposed) throw new Error('arena used after dispose');
    if (this.next > this.capacity) throw new Error('arena is full: size it with Arena.bytesFor');
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
