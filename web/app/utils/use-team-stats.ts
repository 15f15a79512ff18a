import { useCallback, useEffect, useState } from 'react';
import type { ProjectEvent } from './socket.client.ts';
import type { TeamStats } from './team.ts';
import { trpc } from './trpc.client.ts';
import { useLatestRefetch } from './use-latest-refetch.ts';

// Agreement is recomputed from every annotation of the project: a calmer pace than the counts.
const refetchEveryMs = 2000;

/** True for the events that change annotations or final labels, the inputs of the team's figures. */
function changesTeamStats(event: ProjectEvent): boolean {
  return event.type === 'annotation.changed' || event.type === 'resolution.changed' || event.type === 'import.completed';
}

/** The team page's figures, refetched (throttled) whenever someone labels or a sample is resolved. */
export function useTeamStats(projectId: number, initial: TeamStats) {
  const [team, setTeam] = useState(initial);

  useEffect(() => setTeam(initial), [initial]);

  const load = useCallback(() => trpc.review.team.query({ projectId }), [projectId]);
  const { error, refetch } = useLatestRefetch(load, setTeam, refetchEveryMs);

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      if (changesTeamStats(event)) refetch();
    },
    [refetch],
  );

  return { team, error, handleEvent, refetch };
}
