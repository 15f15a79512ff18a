import { useRevalidator } from '@remix-run/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { applyLearningEvent, idleActivity } from './learning-events.ts';
import { throttle } from './throttle.ts';
import { useProjectRoom } from './use-project-room.ts';

const reloadEveryMs = 1000;

/**
 * For pages whose loader reads model versions: follows the trainer's events ("Training…", why a run
 * was skipped) and reloads the page's data when a version appears or after a reconnect.
 */
export function useTrainingActivity(projectId: number) {
  const [activity, setActivity] = useState(idleActivity);
  const { revalidate } = useRevalidator();
  const revalidateRef = useRef(revalidate);
  revalidateRef.current = revalidate;
  // The first join follows the page load, whose data is fresh; only re-joins may have missed events.
  const joined = useRef(false);

  const reload = useMemo(() => throttle(() => void revalidateRef.current(), reloadEveryMs), []);
  useEffect(() => () => reload.cancel(), [reload]);

  const room = useProjectRoom(projectId, {
    onEvent: (event) => {
      setActivity((current) => applyLearningEvent(current, event));
      if (event.type === 'model.version') reload.call();
    },
    onJoin: () => {
      if (joined.current) reload.call();
      joined.current = true;
    },
  });
  return { activity, roomStatus: room.status };
}
