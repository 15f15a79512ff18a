/**
 * A fixed-window counter per key, in memory (per process). At most 10,000 keys (a log-in key is
 * the client address and an email, under 300 characters: about 8 MB in all); past that every
 * window is dropped at once, so a flood of distinct keys costs counts, never memory.
 */
export function createRateLimiter(options: { max: number; windowMs: number }) {
  const windows = new Map<string, { start: number; count: number }>();
  return {
    /** Counts one attempt; false when the key is over its limit for the current window. */
    take(key: string, now: number): boolean {
      const current = windows.get(key);
      if (!current || now - current.start >= options.windowMs) {
        if (windows.size > 10_000) windows.clear();
        windows.set(key, { start: now, count: 1 });
        return true;
      }
      current.count += 1;
      return current.count <= options.max;
    },
  };
}
