import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from './errors.ts';
import { throttle } from './throttle.ts';
import { trpc } from './trpc.client.ts';

/** Project counts, whether from a loader (Dates) or from the browser's tRPC client (ISO strings). */
export interface StatsView {
  sampleCount: number;
  resolvedCount: number;
  annotationCount: number;
  labelCounts: { labelId: number; count: number }[];
  annotators: { userId: number; name: string; count: number; lastAt: Date | string | null }[];
}

const refreshEveryMs = 250;

/**
 * Project counts that stay current: `refresh()` refetches `projects.stats` (throttled to a few per
 * second, however many events arrive) and `replace()` takes counts a mutation already returned.
 */
export function useLiveStats(projectId: number, initial: StatsView) {
  const [stats, setStats] = useState<StatsView>(initial);
  const [error, setError] = useState<string | null>(null);
  // Responses can overtake each other; only the newest request may write.
  const sequence = useRef(0);

  useEffect(() => setStats(initial), [initial]);

  const fetchStats = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const fresh = await trpc.projects.stats.query({ projectId });
      if (mine !== sequence.current) return;
      setStats(fresh);
      setError(null);
    } catch (err) {
      // Counts are a view; the next event or reconnect retries, so show staleness instead of failing.
      if (mine === sequence.current) setError(describeError(err));
    }
  }, [projectId]);

  const throttled = useMemo(() => throttle(() => void fetchStats(), refreshEveryMs), [fetchStats]);
  useEffect(() => () => throttled.cancel(), [throttled]);

  const replace = useCallback((next: StatsView) => {
    sequence.current++;
    setStats(next);
  }, []);

  return { stats, error, refresh: throttled.call, replace };
}
