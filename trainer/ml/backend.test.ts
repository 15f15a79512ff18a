import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BACKEND_NAMES,
  getTensorBackendStatus,
  initTensorBackend,
  resetTensorBackendForTests,
  type BackendLoaders,
  type BackendName,
  type LoadOutcome,
} from './backend.ts';

/** Fake loaders that all fail unless listed in `working`, so no real backend is touched. */
function fakeLoaders(working: BackendName[] = []): BackendLoaders {
  const entries = BACKEND_NAMES.map((name) => [
    name,
    vi.fn(async (): Promise<LoadOutcome> => (working.includes(name) ? { ok: true } : { ok: false, reason: `fake ${name} down` })),
  ]);
  return Object.fromEntries(entries) as BackendLoaders;
}

const quiet = () => {};

afterEach(() => resetTensorBackendForTests());

describe('initTensorBackend with fake loaders', () => {
  it('prefers tensorflow-gpu and loads nothing after it', async () => {
    const loaders = fakeLoaders([...BACKEND_NAMES]);
    const status = await initTensorBackend({ loaders, log: quiet });
    expect(status).toMatchObject({ backend: 'tensorflow-gpu', gpu: true, tried: [{ backend: 'tensorflow-gpu', ok: true }] });
    expect(loaders.webgpu).not.toHaveBeenCalled();
  });

  it('falls back in order and records why each backend was skipped', async () => {
    const loaders = fakeLoaders(['wasm', 'cpu']);
    loaders.webgpu = vi.fn(async () => {
      throw new Error('webgpu is not installed\nstack noise');
    });
    const status = await initTensorBackend({ loaders, log: quiet });
    expect(status.backend).toBe('wasm');
    expect(status.gpu).toBe(false);
    expect(status.tried).toEqual([
      { backend: 'tensorflow-gpu', ok: false, reason: 'fake tensorflow-gpu down' },
      { backend: 'webgpu', ok: false, reason: 'webgpu is not installed' },
      { backend: 'tensorflow', ok: false, reason: 'fake tensorflow down' },
      { backend: 'wasm', ok: true },
    ]);
    expect(loaders.cpu).not.toHaveBeenCalled();
  });

  it('marks webgpu as a GPU backend', async () => {
    const status = await initTensorBackend({ loaders: fakeLoaders(['webgpu', 'cpu']), log: quiet });
    expect(status).toMatchObject({ backend: 'webgpu', gpu: true });
  });

  it('selects and logs once, then returns the memoized status', async () => {
    const loaders = fakeLoaders(['cpu']);
    const log = vi.fn();
    const [first, second] = await Promise.all([initTensorBackend({ loaders, log }), initTensorBackend({ loaders, log })]);
    const third = await initTensorBackend({ loaders, log });
    expect(second).toBe(first);
    expect(third).toBe(first);
    expect(getTensorBackendStatus()).toBe(first);
    expect(loaders.cpu).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toMatch(/^tensor backend: cpu .*skipped tensorflow-gpu: fake tensorflow-gpu down/);
  });

  it('fails when every backend fails', async () => {
    await expect(initTensorBackend({ loaders: fakeLoaders(), log: quiet })).rejects.toThrow(
      /no tensor backend could be initialised.*cpu: fake cpu down/,
    );
    expect(getTensorBackendStatus()).toBeUndefined();
  });
});

describe('initTensorBackend override', () => {
  it('honours the override even when a preferred backend works', async () => {
    const loaders = fakeLoaders([...BACKEND_NAMES]);
    const status = await initTensorBackend({ override: ' CPU ', loaders, log: quiet });
    expect(status).toMatchObject({ backend: 'cpu', tried: [{ backend: 'cpu', ok: true }] });
    expect(loaders['tensorflow-gpu']).not.toHaveBeenCalled();
  });

  it('treats an empty override as automatic', async () => {
    const status = await initTensorBackend({ override: '', loaders: fakeLoaders(['tensorflow']), log: quiet });
    expect(status.backend).toBe('tensorflow');
  });

  it('rejects an unknown name and lists the valid ones', async () => {
    await expect(initTensorBackend({ override: 'cuda', loaders: fakeLoaders(['cpu']) })).rejects.toThrow(
      "invalid SIFT_TF_BACKEND 'cuda': expected one of tensorflow-gpu, webgpu, tensorflow, wasm, cpu",
    );
  });

  it('fails with the reason instead of falling back when the requested backend is unavailable', async () => {
    const loaders = fakeLoaders(['wasm', 'cpu']);
    await expect(initTensorBackend({ override: 'webgpu', loaders, log: quiet })).rejects.toThrow(
      'SIFT_TF_BACKEND=webgpu could not be initialised (webgpu: fake webgpu down)',
    );
    expect(loaders.wasm).not.toHaveBeenCalled();
    // The failure is not memoized: a corrected override still works.
    await expect(initTensorBackend({ override: 'wasm', loaders, log: quiet })).resolves.toMatchObject({ backend: 'wasm' });
  });

  it('refuses to switch once another backend was chosen', async () => {
    const loaders = fakeLoaders(['wasm', 'cpu']);
    await initTensorBackend({ loaders, log: quiet });
    await expect(initTensorBackend({ override: 'cpu', loaders })).rejects.toThrow(/already 'wasm'/);
    await expect(initTensorBackend({ override: 'wasm', loaders })).resolves.toMatchObject({ backend: 'wasm' });
  });
});

/** Plain-JS reference for checking a backend's matmul. */
function multiply(a: number[][], b: number[][]): number[][] {
  return a.map((row) => b[0]!.map((_, j) => row.reduce((sum, value, k) => sum + value * b[k]![j]!, 0)));
}

function fillMatrix(rows: number, cols: number, seed: number): number[][] {
  return Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.sin(seed + i * cols + j)));
}

// This machine has neither an NVIDIA device nor tfjs-node, so the real chain must end on wasm.
const hasGpu = existsSync('/dev/nvidia0') || existsSync('/dev/dri');

describe.skipIf(hasGpu)('initTensorBackend with the real loaders on a machine without a GPU', () => {
  it('lands on wasm, says why each better backend was skipped, and multiplies correctly', async () => {
    const status = await initTensorBackend({ log: quiet });
    expect(status.backend).toBe('wasm');
    expect(status.gpu).toBe(false);
    expect(tf.getBackend()).toBe('wasm');
    const reasons = Object.fromEntries(status.tried.map((t) => [t.backend, t.reason]));
    expect(Object.keys(reasons)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm']);
    expect(reasons['tensorflow-gpu']).toMatch(/not installed|no NVIDIA GPU/);
    expect(reasons.webgpu).toMatch(/no WebGPU adapter|not installed|no Vulkan loader/);
    expect(reasons.tensorflow).toMatch(/not installed/);

    const a = fillMatrix(37, 64, 1);
    const b = fillMatrix(64, 19, 2);
    const product = tf.tidy(() => tf.matMul(tf.tensor2d(a), tf.tensor2d(b)));
    const actual = (await product.array()) as number[][];
    product.dispose();
    const expected = multiply(a, b);
    expect(actual).toHaveLength(37);
    actual.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i]![j]!, 4)));
  });

  it('reports the real reason when the requested webgpu backend is unavailable', async () => {
    await expect(initTensorBackend({ override: 'webgpu', log: quiet })).rejects.toThrow(
      /SIFT_TF_BACKEND=webgpu could not be initialised \(webgpu: (no WebGPU adapter|no Vulkan loader|.*not installed)/,
    );
  });

  it('switches to cpu when asked', async () => {
    await expect(initTensorBackend({ override: 'cpu', log: quiet })).resolves.toMatchObject({ backend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
  });
});
