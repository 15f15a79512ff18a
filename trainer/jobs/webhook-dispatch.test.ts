import { describe, expect, it } from 'vitest';
import { reviewQueueCrossing } from './webhook-dispatch.ts';
import { webhookBackoff } from './webhook.job.ts';

describe('review queue crossing', () => {
  it('fires when the queue rises above the threshold, once, and re-arms when it comes back down', () => {
    const sizes = [0, 3, 5, 6, 7, 6, 9, 5, 4, 6, 6];
    let above = false;
    const fired: number[] = [];
    for (const size of sizes) {
      const next = reviewQueueCrossing(above, size, 5);
      if (next.fire) fired.push(size);
      above = next.above;
    }
    // 6 crosses; 7, 6, 9 stay above; 5 is not above (re-arms); 6 crosses again; the last 6 stays.
    expect(fired).toEqual([6, 6]);
  });

  it('treats "above N" strictly: N itself does not fire', () => {
    expect(reviewQueueCrossing(false, 5, 5)).toEqual({ above: false, fire: false });
    expect(reviewQueueCrossing(false, 1, 0)).toEqual({ above: true, fire: true });
    expect(reviewQueueCrossing(true, 0, 0)).toEqual({ above: false, fire: false });
  });
});

describe('webhook backoff', () => {
  it('doubles from the base delay', () => {
    const backoff = webhookBackoff(10_000);
    expect([1, 2, 3, 4, 5].map(backoff)).toEqual([10_000, 20_000, 40_000, 80_000, 160_000]);
  });
});
