/**
 * What a process holds in memory, by where it lives: the V8 heap, the SIMD arenas' WebAssembly
 * memories (simd.ts) and the TF.js wasm backend's heap. The soak benchmark, the leak tests and
 * the trainer's health report read it.
 */
import * as tf from '@tensorflow/tfjs';
import { getTensorBackendStatus } from './backend.ts';
import { arenaMemoryStats } from './simd.ts';

/** One reading of a process's memory, in bytes (tensors: a count). */
export interface MemorySnapshot {
  rssBytes: number;
  heapUsedBytes: number;
  /** WebAssembly memory of the SIMD arenas: lent to live fits, and kept idle for the next one. */
  arenaLentBytes: number;
  arenaIdleBytes: number;
  /** The TF.js wasm backend's heap (0 on other backends); it grows to its peak and never shrinks. */
  tfWasmBytes: number;
  /** Tensors alive, and the bytes TF.js counts for them. */
  tensors: number;
  tensorBytes: number;
}

/** Reads the process's memory now (cheap: no garbage collection is forced). */
export function memorySnapshot(): MemorySnapshot {
  const { rss, heapUsed } = process.memoryUsage();
  const arenas = arenaMemoryStats();
  // Reading TF.js memory before a backend is chosen would start the default one.
  const tensors = getTensorBackendStatus() ? tf.memory() : { numTensors: 0, numBytes: 0 };
  return {
    rssBytes: rss,
    heapUsedBytes: heapUsed,
    arenaLentBytes: arenas.lentBytes,
    arenaIdleBytes: arenas.idleBytes,
    tfWasmBytes: tfWasmHeapBytes(),
    tensors: tensors.numTensors,
    tensorBytes: tensors.numBytes,
  };
}

/** The wasm backend's heap size, or 0 when another backend (or none) is active. */
function tfWasmHeapBytes(): number {
  if (getTensorBackendStatus()?.backend !== 'wasm') return 0;
  const backend = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return backend.wasm?.HEAPU8?.buffer.byteLength ?? 0;
}
