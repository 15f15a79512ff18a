import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limit.ts';

describe('RateLimiter', () => {
  it('allows a burst of a minute, then one request per 60/rate seconds', () => {
    let now = 0;
    const limiter = new RateLimiter<string>(60, () => now);
    for (let i = 0; i < 60; i += 1) expect(limiter.take('k').ok).toBe(true);
    expect(limiter.take('k')).toEqual({ ok: false, retryAfterSeconds: 1 });
    now += 1000;
    expect(limiter.take('k').ok).toBe(true);
  });

  it('tracks at most 10,000 keys: refilled buckets are dropped, a key still limited is kept', () => {
    let now = 0;
    const limiter = new RateLimiter<number>(1, () => now);
    for (let key = 0; key < 9_999; key += 1) limiter.take(key);
    now = 30_000;
    expect(limiter.take(-1).ok).toBe(true);
    expect(limiter.size).toBe(10_000);
    now = 60_000;
    // Over the cap: the buckets of a minute ago have refilled and go; -1's has not.
    limiter.take(10_000);
    expect(limiter.size).toBe(2);
    expect(limiter.take(-1).ok).toBe(false);
    // A flood of fresh keys, none refilled yet: the map is cleared rather than grown.
    for (let key = 20_000; key < 50_000; key += 1) limiter.take(key);
    expect(limiter.size).toBeLessThanOrEqual(10_000);
  });
});
