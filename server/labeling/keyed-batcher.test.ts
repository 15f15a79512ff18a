import { describe, expect, it } from 'vitest';
import { KeyedBatcher } from './keyed-batcher.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedBatcher', () => {
  it('runs one batch at a time per key, gathering what arrives meanwhile, and keys side by side', async () => {
    const batches: string[][] = [];
    let running = 0;
    let most = 0;
    const batcher = new KeyedBatcher<number, string, string>(async (key, inputs) => {
      running += key === 1 ? 1 : 0;
      most = Math.max(most, running);
      batches.push([`${key}`, ...inputs]);
      await tick(20);
      running -= key === 1 ? 1 : 0;
      return inputs.map((i) => i.toUpperCase());
    });
    const first = batcher.run(1, 'a');
    await tick(1);
    const rest = [batcher.run(1, 'b'), batcher.run(2, 'x'), batcher.run(1, 'c')];
    expect(await Promise.all([first, ...rest])).toEqual(['A', 'B', 'X', 'C']);
    expect(most).toBe(1);
    expect(batches).toEqual([['1', 'a'], ['2', 'x'], ['1', 'b', 'c']]);
    expect(batcher.size).toBe(0);
  });

  it('caps a batch at maxBatch, keeping arrival order', async () => {
    const sizes: number[] = [];
    const batcher = new KeyedBatcher<string, number, number>(async (_key, inputs) => {
      sizes.push(inputs.length);
      await tick(5);
      return inputs.map((i) => i * 2);
    }, 2);
    expect(await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.run('k', i)))).toEqual([2, 4, 6, 8, 10]);
    expect(sizes).toEqual([1, 2, 2]);
  });

  it('hands a failed batch its error and goes on with the next', async () => {
    const batcher = new KeyedBatcher<string, string, string>(async (_key, inputs) => {
      await tick(5);
      if (inputs.includes('bad')) throw new Error('boom');
      return inputs;
    });
    const first = batcher.run('k', 'bad');
    await tick(1);
    const next = batcher.run('k', 'fine');
    await expect(first).rejects.toThrow('boom');
    await expect(next).resolves.toBe('fine');
  });
});
