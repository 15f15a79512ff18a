import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { z } from 'zod';
import { describeError } from './errors.ts';
import { isLearningEvent } from './learning-events.ts';
import type { ProjectEvent } from './socket.client.ts';
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

const StatsPayload = z.object({
  sampleCount: z.number(),
  resolvedCount: z.number(),
  annotationCount: z.number(),
  labelCounts: z.array(z.object({ labelId: z.number(), count: z.number() })),
  annotators: z.array(z.object({ userId: z.number(), name: z.string(), count: z.number(), lastAt: z.string().nullable() })),
});

/**
 * What a project event means for the counts on screen: the server broadcasts fresh counts
 * (`stats.updated`) after labels change, so a label needs no request of this page's own; other
 * changes of data (reviews, imports) still ask; the trainer's events change no counts.
 */
export function statsAction(event: ProjectEvent): { kind: 'replace'; stats: StatsView } | { kind: 'refresh' } | { kind: 'ignore' } {
  if (event.type === 'stats.updated') {
    const parsed = StatsPayload.safeParse(event.data);
    return parsed.success ? { kind: 'replace', stats: parsed.data } : { kind: 'refresh' };
  }
  if (event.type === 'annotation.changed' || isLearningEvent(event)) return { kind: 'ignore' };
  return { kind: 'refresh' };
}

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

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      const action = statsAction(event);
      if (action.kind === 'replace') replace(action.stats);
      else if (action.kind === 'refresh') throttled.call();
    },
    [replace, throttled],
  );

  return { stats, error, refresh: throttled.call, replace, handleEvent };
}
