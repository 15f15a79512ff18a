/** A fixed-window counter per key, in memory (per process). */
export function createRateLimiter(options: { max: number; windowMs: number }) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts one attempt; false when the key is over its limit for the current window. */
    take(key: string, now: number): boolean {
      const current = windows.get(key);
      if (!current || now - current.start >= options.windowMs) {
        if (windows.size > 10_000) windows.clear(); // bound memory under a flood of distinct keys
        windows.set(key, { start: now, count: 1 });
        return true;
      }
      current.count += 1;
      return current.count <= options.max;
    },
  };
}
