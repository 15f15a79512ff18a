import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from './errors.ts';
import type { ProjectEvent } from './socket.client.ts';
import { throttle } from './throttle.ts';
import { trpc, type RouterOutputs } from './trpc.client.ts';

export type ClassDistribution = RouterOutputs['explore']['classes'];
export type SampleMap = RouterOutputs['explore']['map'];

// A bulk label sends one event per sample; one refetch covers the whole burst.
const refetchEveryMs = 1000;

/** Events after which the class counts or the map's colours may be out of date. */
function changesOverview(event: ProjectEvent): boolean {
  return ['explore.updated', 'annotation.changed', 'resolution.changed', 'import.completed'].includes(event.type);
}

/**
 * The class distribution and the 2-D map, kept current: refetched (throttled) when the trainer
 * recomputes them (`explore.updated`) or when labels change their counts and colours.
 */
export function useExploreOverview(projectId: number, initial: { classes: ClassDistribution; map: SampleMap }) {
  const [overview, setOverview] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  // Responses can overtake each other; only the newest request may write.
  const sequence = useRef(0);

  useEffect(() => setOverview(initial), [initial]);

  const fetchOverview = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const [classes, map] = await Promise.all([trpc.explore.classes.query({ projectId }), trpc.explore.map.query({ projectId })]);
      if (mine !== sequence.current) return;
      setOverview({ classes, map });
      setError(null);
    } catch (err) {
      // A view: the next event or reconnect retries, so say it may be stale.
      if (mine === sequence.current) setError(describeError(err));
    }
  }, [projectId]);

  const refetch = useMemo(() => throttle(() => void fetchOverview(), refetchEveryMs), [fetchOverview]);
  useEffect(() => () => refetch.cancel(), [refetch]);

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      if (changesOverview(event)) refetch.call();
    },
    [refetch],
  );

  return { ...overview, error, handleEvent, refetch: refetch.call };
}
