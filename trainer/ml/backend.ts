import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Sift's names for the TF.js backends, as accepted by SIFT_TF_BACKEND. */
export type BackendName = 'tensorflow-gpu' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

/** Every backend, fastest first: the order automatic selection tries them in. */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/** What one loader reports: `ok` once the backend is active and has run an op, else why not. */
export type LoadOutcome = { ok: true; detail?: string } | { ok: false; reason: string };

/** One async function per backend that loads, registers and activates it (it may also throw). */
export type BackendLoaders = Record<BackendName, () => Promise<LoadOutcome>>;

/** The backend in use, and every attempt that led to it. */
export interface TensorBackendStatus {
  backend: BackendName;
  tried: { backend: BackendName; ok: boolean; reason?: string }[];
  gpu: boolean;
  detail?: string;
}

/** Options for {@link initTensorBackend}. */
export interface InitTensorBackendOptions {
  /** A SIFT_TF_BACKEND value; empty or undefined means pick automatically. */
  override?: string;
  log?: (line: string) => void;
  /** Replaces the real loaders, so the selection order can be tested without a GPU. */
  loaders?: Partial<BackendLoaders>;
}

const GPU_BACKENDS: ReadonlySet<BackendName> = new Set(['tensorflow-gpu', 'webgpu']);
const require = createRequire(import.meta.url);

let selection: Promise<TensorBackendStatus> | undefined;
let current: TensorBackendStatus | undefined;

/**
 * Picks and initialises the TF.js backend once per process: the override if given (failing loudly
 * when it cannot load, because the user asked for it), else the first of tfjs-node-gpu (package
 * installed and an NVIDIA device present), webgpu (Dawn finds an adapter), tfjs-node, wasm, cpu.
 * Logs the choice once; later calls return the same status.
 */
export async function initTensorBackend(options: InitTensorBackendOptions = {}): Promise<TensorBackendStatus> {
  const override = parseOverride(options.override);
  const loaders: BackendLoaders = { ...REAL_LOADERS, ...options.loaders };
  const log = options.log ?? ((line: string) => console.log(line));
  // Forget a failed selection so a corrected override can be retried in the same process.
  selection ??= selectBackend(override, loaders, log).catch((error: unknown) => {
    selection = undefined;
    throw error;
  });
  const status = await selection;
  if (override !== undefined && status.backend !== override) {
    throw new Error(`tensor backend is already '${status.backend}'; cannot switch to '${override}' in the same process`);
  }
  return status;
}

/** The status of the last successful {@link initTensorBackend}, if any. */
export function getTensorBackendStatus(): TensorBackendStatus | undefined {
  return current;
}

/** Forgets the memoized selection so tests can select again (the TF.js engine keeps its backends). */
export function resetTensorBackendForTests(): void {
  selection = undefined;
  current = undefined;
}

function parseOverride(raw: string | undefined): BackendName | undefined {
  const value = raw?.trim().toLowerCase();
  if (!value) return undefined;
  if (!BACKEND_NAMES.includes(value as BackendName)) {
    throw new Error(`invalid SIFT_TF_BACKEND '${raw}': expected one of ${BACKEND_NAMES.join(', ')}`);
  }
  return value as BackendName;
}

async function selectBackend(
  override: BackendName | undefined,
  loaders: BackendLoaders,
  log: (line: string) => void,
): Promise<TensorBackendStatus> {
  const tried: TensorBackendStatus['tried'] = [];
  for (const backend of override ? [override] : BACKEND_NAMES) {
    const outcome = await attemptLoad(loaders[backend]);
    if (outcome.ok) {
      tried.push({ backend, ok: true });
      current = { backend, tried, gpu: GPU_BACKENDS.has(backend), detail: outcome.detail };
      log(describeStatus(current));
      return current;
    }
    tried.push({ backend, ok: false, reason: outcome.reason });
  }
  const reasons = tried.map((t) => `${t.backend}: ${t.reason}`).join('; ');
  if (override) throw new Error(`SIFT_TF_BACKEND=${override} could not be initialised (${reasons})`);
  throw new Error(`no tensor backend could be initialised (${reasons})`);
}

async function attemptLoad(loader: () => Promise<LoadOutcome>): Promise<LoadOutcome> {
  try {
    return await loader();
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

function describeStatus(status: TensorBackendStatus): string {
  const detail = status.detail ? ` (${status.detail})` : '';
  const skipped = status.tried.filter((t) => !t.ok).map((t) => `${t.backend}: ${t.reason}`);
  return `tensor backend: ${status.backend}${detail}${skipped.length ? ` — skipped ${skipped.join('; ')}` : ''}`;
}

function describeError(error: unknown): string {
  // The wasm backend rejects with a plain `{ message }` object rather than an Error.
  const message = typeof error === 'object' && error !== null && 'message' in error ? String(error.message) : String(error);
  return message.split('\n')[0] ?? message;
}

/** Resolves without loading, so a missing optional package is a reason rather than a crash. */
function requireInstalled(specifier: string): void {
  try {
    require.resolve(specifier);
  } catch {
    throw new Error(`${specifier} is not installed`);
  }
}

async function importOptional(specifier: string): Promise<unknown> {
  requireInstalled(specifier);
  // A variable specifier keeps tsc from demanding types for packages that may be absent.
  return import(/* @vite-ignore */ specifier);
}

/** Switches TF.js to `name` and proves it works, since setBackend alone can succeed on a broken install. */
async function activateBackend(name: string, detail?: string): Promise<LoadOutcome> {
  if (!(await tf.setBackend(name))) return { ok: false, reason: `tf.setBackend('${name}') failed` };
  await tf.ready();
  if (tf.getBackend() !== name) return { ok: false, reason: `TF.js stayed on '${tf.getBackend()}'` };
  const probe = tf.tidy(() => tf.tensor1d([1, 2]).add(1));
  const values = await probe.data();
  probe.dispose();
  if (values[0] !== 2 || values[1] !== 3) return { ok: false, reason: `probe op returned [${Array.from(values)}]` };
  return { ok: true, detail };
}

async function loadTensorflowGpu(): Promise<LoadOutcome> {
  requireInstalled('@tensorflow/tfjs-node-gpu');
  // The GPU build of libtensorflow quietly runs on the CPU when there is no driver, which would
  // mislabel a CPU run as a GPU one, so insist on the device node first.
  if (!existsSync('/dev/nvidia0')) return { ok: false, reason: 'no NVIDIA GPU (/dev/nvidia0 missing)' };
  await importOptional('@tensorflow/tfjs-node-gpu');
  return activateBackend('tensorflow', 'libtensorflow GPU build');
}

async function loadTensorflow(): Promise<LoadOutcome> {
  await importOptional('@tensorflow/tfjs-node');
  return activateBackend('tensorflow', 'libtensorflow CPU build');
}

interface GpuAdapter {
  info?: { vendor?: string; architecture?: string; description?: string };
}
interface Gpu {
  requestAdapter(options?: { powerPreference?: string }): Promise<GpuAdapter | null>;
}
interface DawnModule {
  create(flags: string[]): Gpu;
  globals: object;
}

/**
 * Dawn reaches the GPU through Vulkan on Linux. Without the loader library it can only print a
 * warning and find no adapter, so look for it first and say what is missing.
 */
function hasVulkanLoader(): boolean {
  if (process.platform !== 'linux') return true;
  const dirs = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/lib64',
  ];
  return dirs.some((dir) => existsSync(path.join(dir, 'libvulkan.so.1')));
}

async function loadWebgpu(): Promise<LoadOutcome> {
  requireInstalled('@tensorflow/tfjs-backend-webgpu');
  requireInstalled('webgpu');
  if (!hasVulkanLoader()) return { ok: false, reason: 'no Vulkan loader (libvulkan.so.1; Debian package libvulkan1) for Dawn' };
  const dawn = (await importOptional('webgpu')) as DawnModule;
  const gpu = dawn.create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  // Returning here drops the only reference to `gpu`, which Dawn needs before Node can exit.
  if (!adapter) return { ok: false, reason: 'no WebGPU adapter (Dawn found no usable GPU)' };
  // tfjs-backend-webgpu uses the GPU* constants as globals and registers itself only if
  // navigator.gpu exists when it is imported.
  Object.assign(globalThis, dawn.globals);
  installNavigatorGpu(gpu);
  try {
    await importOptional('@tensorflow/tfjs-backend-webgpu');
    return await activateBackend('webgpu', describeAdapter(adapter));
  } catch (error) {
    uninstallNavigatorGpu();
    throw error;
  }
}

function installNavigatorGpu(gpu: Gpu): void {
  const scope = globalThis as { navigator?: object };
  // Node 20 has no navigator; Node 21+ has one without gpu.
  if (scope.navigator === undefined) {
    Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  }
  Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
}

function uninstallNavigatorGpu(): void {
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (scope.navigator) delete scope.navigator.gpu;
}

function describeAdapter(adapter: GpuAdapter): string | undefined {
  const info = adapter.info;
  const text = [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ');
  return text || undefined;
}

async function loadWasm(): Promise<LoadOutcome> {
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  // In Node the backend looks for its .wasm files beside the calling script unless told otherwise;
  // the package's main file sits in the dist folder that holds them.
  wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + path.sep);
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return activateBackend('wasm', `${simd ? 'SIMD' : 'no SIMD'}, ${threads ? 'threaded' : 'single thread'}`);
}

const REAL_LOADERS: BackendLoaders = {
  'tensorflow-gpu': loadTensorflowGpu,
  webgpu: loadWebgpu,
  tensorflow: loadTensorflow,
  wasm: loadWasm,
  cpu: () => activateBackend('cpu'),
};
