import { useCallback, useEffect, useState } from 'react';
import { z } from 'zod';
import { isLearningEvent } from './learning-events.ts';
import type { ProjectEvent } from './socket.client.ts';
import { trpc } from './trpc.client.ts';
import { useLatestRefetch } from './use-latest-refetch.ts';

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

  useEffect(() => setStats(initial), [initial]);

  const load = useCallback(() => trpc.projects.stats.query({ projectId }), [projectId]);
  const { error, refetch, supersede } = useLatestRefetch(load, setStats, refreshEveryMs);

  const replace = useCallback(
    (next: StatsView) => {
      supersede();
      setStats(next);
    },
    [supersede],
  );

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      const action = statsAction(event);
      if (action.kind === 'replace') replace(action.stats);
      else if (action.kind === 'refresh') refetch();
    },
    [replace, refetch],
  );

  return { stats, error, refresh: refetch, replace, handleEvent };
}
