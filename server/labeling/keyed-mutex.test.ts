import { describe, expect, it } from 'vitest';
import { KeyedMutex } from './keyed-mutex.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('KeyedMutex', () => {
  it('runs one task at a time per key, in arrival order, and different keys side by side', async () => {
    const mutex = new KeyedMutex<number>();
    const log: string[] = [];
    let running = 0;
    let most = 0;
    const task = (key: number, name: string, ms: number) =>
      mutex.run(key, async () => {
        running += key === 1 ? 1 : 0;
        most = Math.max(most, running);
        log.push(`start ${name}`);
        await tick(ms);
        log.push(`end ${name}`);
        running -= key === 1 ? 1 : 0;
        return name;
      });
    const results = await Promise.all([task(1, 'a', 20), task(1, 'b', 5), task(2, 'x', 1), task(1, 'c', 1)]);
    expect(results).toEqual(['a', 'b', 'x', 'c']);
    expect(most).toBe(1);
    expect(log.filter((l) => !l.endsWith('x'))).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    // x did not wait for key 1's queue.
    expect(log.indexOf('end x')).toBeLessThan(log.indexOf('end a'));
    await tick(1);
    expect(mutex.size).toBe(0);
  });

  it('keeps going after a task fails, and hands the failure to its caller only', async () => {
    const mutex = new KeyedMutex<string>();
    const failed = mutex.run('k', async () => {
      throw new Error('boom');
    });
    const next = mutex.run('k', async () => 'fine');
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('fine');
  });
});
