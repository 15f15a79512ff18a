import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from './errors.ts';
import type { ProjectEvent } from './socket.client.ts';
import type { TeamStats } from './team.ts';
import { throttle } from './throttle.ts';
import { trpc } from './trpc.client.ts';

// Agreement is recomputed from every annotation of the project: a calmer pace than the counts.
const refetchEveryMs = 2000;

/** True for the events that change annotations or final labels, the inputs of the team's figures. */
function changesTeamStats(event: ProjectEvent): boolean {
  return event.type === 'annotation.changed' || event.type === 'resolution.changed' || event.type === 'import.completed';
}

/** The team page's figures, refetched (throttled) whenever someone labels or a sample is resolved. */
export function useTeamStats(projectId: number, initial: TeamStats) {
  const [team, setTeam] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  // Responses can overtake each other; only the newest request may write.
  const sequence = useRef(0);

  useEffect(() => setTeam(initial), [initial]);

  const fetchTeam = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const fresh = await trpc.review.team.query({ projectId });
      if (mine !== sequence.current) return;
      setTeam(fresh);
      setError(null);
    } catch (err) {
      // A view: the next event or reconnect retries, so say it may be stale.
      if (mine === sequence.current) setError(describeError(err));
    }
  }, [projectId]);

  const refetch = useMemo(() => throttle(() => void fetchTeam(), refetchEveryMs), [fetchTeam]);
  useEffect(() => () => refetch.cancel(), [refetch]);

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      if (changesTeamStats(event)) refetch.call();
    },
    [refetch],
  );

  return { team, error, handleEvent, refetch: refetch.call };
}
