import { describe, expect, it } from 'vitest';
import type { ProjectStats } from '#db/annotations.ts';
import { ProjectStatsFeed } from './project-stats.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A "database" whose count is the number of changes committed when the computation started. */
function world() {
  let committed = 0;
  let computations = 0;
  const published: number[] = [];
  const feed = new ProjectStatsFeed(
    async () => {
      computations += 1;
      const seen = committed;
      await tick(20);
      return { annotationCount: seen } as ProjectStats;
    },
    async (_projectId, stats) => {
      published.push(stats.annotationCount);
    },
  );
  return { feed, commit: () => (committed += 1), computations: () => computations, published };
}

describe('ProjectStatsFeed', () => {
  it('gives every caller counts that include its own change, with few computations for many callers', async () => {
    const { feed, commit, computations } = world();
    const callers = Array.from({ length: 50 }, async (_, i) => {
      await tick(i % 10);
      const mine = commit();
      return { mine, seen: (await feed.fresh(1)).annotationCount };
    });
    const results = await Promise.all(callers);
    for (const { mine, seen } of results) expect(seen).toBeGreaterThanOrEqual(mine);
    expect(computations()).toBeLessThan(10);
    feed.close();
  });

  it('broadcasts at most every 250 ms, always ending with the latest counts', async () => {
    const { feed, commit, published } = world();
    for (let i = 0; i < 8; i += 1) {
      commit();
      await feed.fresh(1);
    }
    expect(published.length).toBe(1);
    await tick(300);
    expect(published).toEqual([1, 8]);
    feed.close();
  });

  it('a failed computation fails its callers only; the next one runs', async () => {
    let fail = true;
    const feed = new ProjectStatsFeed(
      async () => {
        if (fail) throw new Error('database down');
        return { annotationCount: 1 } as ProjectStats;
      },
      async () => undefined,
    );
    await expect(feed.fresh(1)).rejects.toThrow('database down');
    fail = false;
    await expect(feed.fresh(1)).resolves.toMatchObject({ annotationCount: 1 });
    feed.close();
  });
});
