/**
 * Keys tracked at once. A bucket is about 100 bytes, so at most about 1 MB per limiter; past the
 * cap, buckets that have refilled (the same as no bucket) are dropped, and if that is not enough
 * all are (under a flood of distinct keys each then starts with a full allowance again).
 */
const MAX_KEYS = 10_000;

/**
 * Per-key token buckets: a key may burst up to a minute's allowance, then gets one request per
 * 60/rate seconds. In memory, per server process (several processes each allow the full rate).
 */
export class RateLimiter<K = number> {
  private readonly buckets = new Map<K, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; when none is left, says after how many seconds one will be. */
  take(key: K): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.now();
    const refillPerMs = this.perMinute / 60_000;
    if (this.buckets.size >= MAX_KEYS && !this.buckets.has(key)) this.sweep(now);
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * refillPerMs);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
  }

  /** Keys tracked now (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private sweep(now: number): void {
    const refillMs = 60_000;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= refillMs) this.buckets.delete(key);
    if (this.buckets.size >= MAX_KEYS) this.buckets.clear();
  }
}
