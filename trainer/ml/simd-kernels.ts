/**
 * Four WebAssembly SIMD kernels for the head's hot loops, assembled here from bytes (no
 * toolchain, no package). Measured on a 2-core Xeon, plain TypeScript manages ~0.3 GFLOP/s on the
 * sparse-times-weights product while these run it at ~5 GFLOP/s: the difference between a
 * 5,000-label fit taking half a minute and a few seconds. Dense matrix products stay in TF.js.
 * Addresses must be 16-byte aligned and lengths multiples of 4 floats (see simd.ts's Arena).
 */

const I32 = 0x7f;
const F32 = 0x7d;
const F64 = 0x7c;
const V128 = 0x7b;
const get = (local: number) => [0x20, local];
const set = (local: number) => [0x21, local];
const tee = (local: number) => [0x22, local];
const i32Const = (value: number) => [0x41, value]; // values used here are < 64, so one LEB byte
const ADD = 0x6a;
const MUL = 0x6c;
const SHL = 0x74;
const LT_U = 0x49;
const EQZ = 0x45;
const I32_LOAD = [0x28, 2, 0];
const F32_LOAD = [0x2a, 2, 0];
const V128_LOAD = [0xfd, 0x00, 4, 0];
const V128_STORE = [0xfd, 0x0b, 4, 0];
const F32X4_SPLAT = [0xfd, 0x13];
const F32X4_ADD = [0xfd, 0xe4, 0x01];
const F32X4_MUL = [0xfd, 0xe6, 0x01];
const F64X2_ADD = [0xfd, 0xf0, 0x01];
const F64X2_PROMOTE_LOW = [0xfd, 0x5f];
const SWAP_HALVES = [0xfd, 0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7];
/** `block; <guard> br_if 0; loop <body> <condition> br_if 0 end; end`: a do-while behind a guard. */
const guardedLoop = (guard: number[], body: number[], condition: number[]) => [
  0x02, 0x40, ...guard, 0x0d, 0, 0x03, 0x40, ...body, ...condition, 0x0d, 0, 0x0b, 0x0b,
];
/** `local += step; local < limit` as a loop condition. */
const advance = (local: number, step: number, limit: number) => [...get(local), ...i32Const(step), ADD, ...tee(local), ...get(limit), LT_U];
/** v128 at `base + k`, `vector += scale * v128 at (source + k)`, stored back. */
const fusedAxpy = (dst: number, src: number, k: number, scale: number) => [
  ...get(dst), ...get(k), ADD,
  ...get(dst), ...get(k), ADD, ...V128_LOAD,
  ...get(scale), ...get(src), ...get(k), ADD, ...V128_LOAD, ...F32X4_MUL, ...F32X4_ADD,
  ...V128_STORE,
];
const elementAddress = (array: number, index: number) => [...get(array), ...get(index), ...i32Const(2), SHL, ADD];

/**
 * axpyRows(dstBase, dstIdx, srcBase, srcIdx, values, count, rowBytes): for each pair p,
 * row(dstBase, dstIdx[p]) += values[p] * row(srcBase, srcIdx[p]). With (row, column) pairs of a
 * sparse matrix X this is X·W one way round and Xᵀ·R the other.
 */
const AXPY_ROWS = [
  2, 4, I32, 1, V128,
  ...guardedLoop([...get(5), EQZ], [
    ...elementAddress(1, 7), ...I32_LOAD, ...get(6), MUL, ...get(0), ADD, ...set(8),
    ...elementAddress(3, 7), ...I32_LOAD, ...get(6), MUL, ...get(2), ADD, ...set(9),
    ...elementAddress(4, 7), ...F32_LOAD, ...F32X4_SPLAT, ...set(11),
    ...i32Const(0), ...set(10),
    0x03, 0x40, ...fusedAxpy(8, 9, 10, 11), ...advance(10, 16, 6), 0x0d, 0, 0x0b,
  ], advance(7, 1, 5)),
  0x0b,
];
/** axpy(count, a, x, y): y += a·x over `count` floats (a multiple of 4). */
const AXPY = [
  2, 2, I32, 1, V128,
  ...get(1), ...F32X4_SPLAT, ...set(6), ...get(0), ...i32Const(2), SHL, ...set(5),
  ...guardedLoop([...get(0), EQZ], fusedAxpy(3, 2, 4, 6), advance(4, 16, 5)),
  0x0b,
];
/** mul(count, x, y): y ⊙= x over `count` floats (a multiple of 4). */
const MUL_KERNEL = [
  1, 2, I32,
  ...get(0), ...i32Const(2), SHL, ...set(4),
  ...guardedLoop([...get(0), EQZ], [
    ...get(2), ...get(3), ADD,
    ...get(2), ...get(3), ADD, ...V128_LOAD, ...get(1), ...get(3), ADD, ...V128_LOAD, ...F32X4_MUL,
    ...V128_STORE,
  ], advance(3, 16, 4)),
  0x0b,
];
/** dot(count, x, y) → f64: products in f32 lanes, sums in f64 so long vectors keep their precision. */
const DOT = [
  2, 2, I32, 2, V128,
  ...get(0), ...i32Const(2), SHL, ...set(4),
  ...guardedLoop([...get(0), EQZ], [
    ...get(1), ...get(3), ADD, ...V128_LOAD, ...get(2), ...get(3), ADD, ...V128_LOAD, ...F32X4_MUL, ...tee(5),
    ...F64X2_PROMOTE_LOW, ...get(6), ...F64X2_ADD, ...set(6),
    ...get(5), ...get(5), ...SWAP_HALVES, ...F64X2_PROMOTE_LOW, ...get(6), ...F64X2_ADD, ...set(6),
  ], advance(3, 16, 4)),
  ...get(6), 0xfd, 0x21, 0, ...get(6), 0xfd, 0x21, 1, 0xa0,
  0x0b,
];

function leb(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    out.push(rest ? byte | 0x80 : byte);
  } while (rest);
  return out;
}
const vec = (items: number[][]) => [...leb(items.length), ...items.flat()];
const name = (text: string) => [...leb(text.length), ...[...text].map((c) => c.charCodeAt(0))];
const section = (id: number, body: number[]) => [id, ...leb(body.length), ...body];

/** The module; `shared` makes it import a shared memory, so a helper thread can work on it too. */
function assembleModule(shared: boolean): Uint8Array<ArrayBuffer> {
  const types = [
    [0x60, 7, I32, I32, I32, I32, I32, I32, I32, 0],
    [0x60, 4, I32, F32, I32, I32, 0],
    [0x60, 3, I32, I32, I32, 1, F64],
    [0x60, 3, I32, I32, I32, 0],
  ];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, vec(types)),
    // Memory limits: flag 0x03 = shared with a maximum (any shared memory up to 4 GiB links).
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...(shared ? [0x03, 1, ...leb(65536)] : [0x00, 1])]])),
    ...section(3, vec([[0], [1], [2], [3]])),
    ...section(7, vec([[...name('axpyRows'), 0, 0], [...name('axpy'), 0, 1], [...name('dot'), 0, 2], [...name('mul'), 0, 3]])),
    ...section(10, vec([AXPY_ROWS, AXPY, DOT, MUL_KERNEL].map((body) => [...leb(body.length), ...body]))),
  ]);
}

/** The kernels as a WebAssembly instance exports them; pointers and counts as documented above. */
export interface KernelExports {
  axpyRows(dstBase: number, dstIdx: number, srcBase: number, srcIdx: number, values: number, count: number, rowBytes: number): void;
  axpy(count: number, a: number, x: number, y: number): void;
  dot(count: number, x: number, y: number): number;
  mul(count: number, x: number, y: number): void;
}

const compiled = new Map<boolean, WebAssembly.Module>();

/** The compiled kernel module (cached), for a shared or a private memory. */
export function compileKernels(shared: boolean): WebAssembly.Module {
  let module = compiled.get(shared);
  if (!module) {
    const bytes = assembleModule(shared);
    if (!WebAssembly.validate(bytes)) throw new Error('this runtime lacks WebAssembly SIMD, which the classifier head needs (Node ≥ 16.4)');
    module = new WebAssembly.Module(bytes);
    compiled.set(shared, module);
  }
  return module;
}

