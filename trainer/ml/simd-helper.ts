/**
 * A second thread for the SIMD kernels, so a fit uses both cores of a small machine: the helper
 * runs the sparse products while the main thread runs TF.js's dense ones, and takes half of every
 * long vector operation. It shares the arena's WebAssembly memory and is driven synchronously
 * through Atomics (a round trip costs microseconds; a message would cost a turn of the event
 * loop). Its code is plain JavaScript evaluated in a worker, so it needs no TypeScript loader.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, Worker } from 'node:worker_threads';
import { compileKernels } from './simd-kernels.ts';

const OP_BIND = 1;
/** Operation codes understood by the helper (kernel names of simd-kernels.ts). */
export const HelperOp = { axpyRows: 2, axpy: 3, dot: 4, mul: 5 } as const;
export type HelperOp = (typeof HelperOp)[keyof typeof HelperOp];

// Control block, in 32-bit slots: 0 state (0 idle, 1 work posted), 1 op, 2–8 arguments, 9 error
// flag; the f64 result of `dot` sits at byte 64.
const STATE = 0;
const OP = 1;
const ARGS = 2;
const ERROR = 9;
const RESULT = 8;
/** Starting a worker takes tens of milliseconds; one that has not answered by this has failed. */
const BIND_TIMEOUT_MS = 10_000;

const HELPER_SOURCE = `
const { workerData, receiveMessageOnPort } = require('node:worker_threads');
const { control, module, port } = workerData;
const ints = new Int32Array(control);
const floats = new Float32Array(control);
const doubles = new Float64Array(control);
let k;
for (;;) {
  Atomics.wait(ints, 0, 0);
  const op = ints[1];
  try {
    if (op === 1) k = new WebAssembly.Instance(module, { env: { memory: receiveMessageOnPort(port).message } }).exports;
    else if (op === 2) k.axpyRows(ints[2], ints[3], ints[4], ints[5], ints[6], ints[7], ints[8]);
    else if (op === 3) k.axpy(ints[2], floats[3], ints[4], ints[5]);
    else if (op === 4) doubles[8] = k.dot(ints[2], ints[3], ints[4]);
    else if (op === 5) k.mul(ints[2], ints[3], ints[4]);
    ints[9] = 0;
  } catch (error) {
    ints[9] = 1;
  }
  Atomics.store(ints, 0, 0);
  Atomics.notify(ints, 0);
}
`;

/** The helper thread, bound to one shared memory at a time. */
export class KernelHelper {
  private ints!: Int32Array;
  private floats!: Float32Array;
  private doubles!: Float64Array;
  private channel!: MessageChannel;
  private worker!: Worker;
  /** Memories this thread has been pointed at since it started: its heap may still hold them. */
  private seen = new WeakSet<WebAssembly.Memory>();
  private bound: WebAssembly.Memory | undefined;
  private busy = false;

  constructor() {
    this.start();
  }

  private start(): void {
    const control = new SharedArrayBuffer(128);
    this.ints = new Int32Array(control);
    this.floats = new Float32Array(control);
    this.doubles = new Float64Array(control);
    this.channel = new MessageChannel();
    this.seen = new WeakSet();
    this.bound = undefined;
    this.busy = false;
    this.worker = new Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { control, module: compileKernels(true), port: this.channel.port2 },
      transferList: [this.channel.port2],
    });
    // A helper parked in Atomics.wait must not keep the process alive.
    this.worker.unref();
    this.channel.port1.unref();
  }

  /**
   * Points the helper at `memory` (a no-op if it already is). Returns false if the helper does not
   * answer in time (a worker that failed to start never will), after which it must not be used.
   */
  bind(memory: WebAssembly.Memory): boolean {
    if (this.bound === memory) return true;
    this.channel.port1.postMessage(memory);
    this.seen.add(memory);
    this.post(OP_BIND, []);
    const deadline = performance.now() + BIND_TIMEOUT_MS;
    while (Atomics.load(this.ints, STATE) !== 0) {
      if (performance.now() > deadline) return false;
      Atomics.wait(this.ints, STATE, 1, 50);
    }
    this.busy = false;
    this.bound = memory;
    return this.ints[ERROR] === 0;
  }

  /**
   * Makes sure this thread no longer keeps `memory` alive. Parked in Atomics.wait, the thread
   * almost never collects garbage, so a memory it was ever pointed at stays reachable from its
   * heap: the only sure release is a fresh thread (tens of milliseconds; the arena pool lets a
   * shared memory go rarely).
   */
  forget(memory: WebAssembly.Memory): void {
    if (!this.seen.has(memory)) return;
    // Another arena's operation may still run on it: let it finish first.
    if (this.busy) this.wait();
    void this.worker.terminate();
    this.channel.port1.close();
    this.start();
  }

  /** Makes the next {@link bind} to `memory` instantiate the kernels on it again (after it grew). */
  rebindLater(memory: WebAssembly.Memory): void {
    if (this.bound === memory) this.bound = undefined;
  }

  /** Starts `op` on the helper; `floatArg` is the one f32 argument of `axpy`. Pair with {@link wait}. */
  post(op: number, args: number[], floatArg?: number): void {
    if (this.busy) throw new Error('kernel helper is already busy');
    args.forEach((value, i) => (this.ints[ARGS + i] = value));
    if (floatArg !== undefined) this.floats[ARGS + 1] = floatArg;
    this.ints[OP] = op;
    this.busy = true;
    Atomics.store(this.ints, STATE, 1);
    Atomics.notify(this.ints, STATE);
  }

  /** Blocks until the posted operation is done; returns `dot`'s result. */
  wait(): number {
    while (Atomics.load(this.ints, STATE) !== 0) Atomics.wait(this.ints, STATE, 1);
    this.busy = false;
    if (this.ints[ERROR]) throw new Error('kernel helper failed');
    return this.doubles[RESULT]!;
  }
}

let helper: KernelHelper | null | undefined;

/** Stops using the helper (it failed to start or to bind). */
export function disableKernelHelper(): void {
  helper = null;
}

/** The process's helper thread, or undefined on a single core, with SIFT_HEAD_THREADS=1, or where workers cannot start. */
export function getKernelHelper(): KernelHelper | undefined {
  if (helper === undefined) {
    try {
      helper = availableParallelism() > 1 && process.env.SIFT_HEAD_THREADS !== '1' ? new KernelHelper() : null;
    } catch {
      helper = null;
    }
  }
  return helper ?? undefined;
}
