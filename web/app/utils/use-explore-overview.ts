import { useCallback, useEffect, useState } from 'react';
import type { ProjectEvent } from './socket.client.ts';
import { trpc, type RouterOutputs } from './trpc.client.ts';
import { useLatestRefetch } from './use-latest-refetch.ts';

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

  useEffect(() => setOverview(initial), [initial]);

  const load = useCallback(async () => {
    const [classes, map] = await Promise.all([trpc.explore.classes.query({ projectId }), trpc.explore.map.query({ projectId })]);
    return { classes, map };
  }, [projectId]);
  const { error, refetch } = useLatestRefetch(load, setOverview, refetchEveryMs);

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      if (changesOverview(event)) refetch();
    },
    [refetch],
  );

  return { ...overview, error, handleEvent, refetch };
}
