import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLabels } from '../cli/audit.ts';
import { initTensorBackend } from './backend.ts';
import { readBanking77 } from './encoders/shared-datasets.ts';
import { fitHead, type Features } from './head.ts';
import { createRandom } from './head-fit.ts';
import { FittedHead } from './head-model.ts';
import { fitLexical, type LexicalModel } from './lexical.ts';
import { memorySnapshot } from './memory.ts';
import { Arena } from './simd.ts';

// A full collection before each reading, so the V8 heap and RSS compare like for like.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;

/** 1,500 banking77 texts of 10 classes, with seeded random "embeddings" (the lexical channel carries the signal). */
let features: Features;
let labels: number[];
let lexical: LexicalModel;
beforeAll(async () => {
  await initTensorBackend({ log: () => undefined });
  const rows = (await readBanking77('train')).filter((r) => r.category < 'c').slice(0, 1500);
  const classes = [...new Set(rows.map((r) => r.category))].sort();
  const random = createRandom(3);
  features = { dense: rows.map(() => Float32Array.from({ length: 64 }, () => random() - 0.5)), texts: rows.map((r) => r.text) };
  labels = rows.map((r) => classes.indexOf(r.category));
  lexical = fitLexical(features.texts!);
});

const numClasses = () => Math.max(...labels) + 1;
const fit = (seed: number) => fitHead(features, labels, numClasses(), { lexical, seed, l2: 1e-4 });

describe('memory across repeated fits, scorings and audits', () => {
  it('leaves no tensors, no lent arena memory and no growth of the heaps, wasm memories or RSS', async () => {
    // Warm up: the arena pool, TF.js's wasm heap and the JIT reach their working size.
    for (let i = 0; i < 2; i += 1) (await fit(i)).head.predictProba(features);
    await auditLabels(features, labels, numClasses(), { folds: 3, neighbors: 5 });
    gc();
    const before = memorySnapshot();
    for (let i = 0; i < 8; i += 1) {
      const { head } = await fit(10 + i);
      head.predictProba(features);
    }
    await auditLabels(features, labels, numClasses(), { folds: 3, neighbors: 5 });
    gc();
    const after = memorySnapshot();
    expect(after.tensors).toBe(before.tensors);
    expect(after.arenaLentBytes).toBe(0);
    expect(after.arenaIdleBytes).toBe(before.arenaIdleBytes);
    expect(after.tfWasmBytes).toBe(before.tfWasmBytes);
    expect(after.heapUsedBytes - before.heapUsedBytes).toBeLessThan(8 * MB);
    // Each fit used to leave its arena (~20 MB here) resident through the helper thread.
    expect(after.rssBytes - before.rssBytes).toBeLessThan(40 * MB);
  }, 120_000);

  it('gives the same head in a reused memory full of garbage as in the memory before', async () => {
    const first = (await fit(1)).head as FittedHead;
    // Fill the pooled memory with NaNs (as uint32 patterns too), as a previous fit could leave it.
    const poison = new Arena(Arena.bytesFor([4_000_000]), { parallel: true });
    poison.floats(4_000_000, false).array.fill(Number.NaN);
    poison.dispose();
    const second = (await fit(1)).head as FittedHead;
    expect(second.state.params).toEqual(first.state.params);
  }, 60_000);
});

describe('Arena memory pool', () => {
  it('lets a shared memory go when two arenas were alive at once, and the helper thread still computes right', () => {
    const length = 200_000;
    const a = new Arena(Arena.bytesFor([length, length]), { parallel: true });
    const b = new Arena(Arena.bytesFor([2 * length, 2 * length]), { parallel: true });
    const x = b.floats(2 * length);
    const y = b.floats(2 * length);
    x.array.fill(1);
    y.array.fill(2);
    expect(b.dot(x, y)).toBe(4 * length);
    a.dispose();
    // Keeps the larger of the two idle; the smaller is let go (and the helper restarted if it held it).
    b.dispose();
    const c = new Arena(Arena.bytesFor([length, length]), { parallel: true });
    const u = c.floats(length);
    const v = c.floats(length);
    u.array.fill(3);
    v.array.fill(0.5);
    expect(c.dot(u, v)).toBe(1.5 * length);
    c.dispose();
    expect(memorySnapshot().arenaLentBytes).toBe(0);
    expect(() => c.floats(4)).toThrow(/after dispose/);
  });
});
