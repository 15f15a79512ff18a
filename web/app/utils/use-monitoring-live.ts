import { useRevalidator } from '@remix-run/react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { readMonitoringEvent } from './monitoring.ts';
import { trpc } from './trpc.client.ts';
import { useProjectRoom } from './use-project-room.ts';

const SLOW_MS = 60_000;

/** Where the last "Check now" stands; a check's answer arrives as a project event, not as the reply. */
export type DriftCheckState =
  | { state: 'idle' }
  /** `slow`: no answer after a minute (the trainer may be busy or not running); asking again is allowed. */
  | { state: 'pending'; slow: boolean }
  | { state: 'skipped'; reason: string }
  | { state: 'checked'; drifted: boolean }
  | { state: 'failed'; message: string };

/**
 * The monitoring page's live side: asks for drift checks, hears their outcome (and automatic
 * checks') from the project room, and reloads the page's figures when a report or version lands.
 */
export function useMonitoringLive(projectId: number) {
  const [check, setCheck] = useState<DriftCheckState>({ state: 'idle' });
  const [feedbackAdded, setFeedbackAdded] = useState(0);
  const { revalidate } = useRevalidator();
  const revalidateRef = useRef(revalidate);
  revalidateRef.current = revalidate;
  const joined = useRef(false);

  const room = useProjectRoom(projectId, {
    onEvent: (raw) => {
      const event = readMonitoringEvent(raw);
      if (!event) return;
      if (event.type === 'drift.updated') {
        setCheck({ state: 'checked', drifted: event.drifted });
        void revalidateRef.current();
      } else if (event.type === 'drift.skipped') {
        setCheck({ state: 'skipped', reason: event.reason });
      } else if (event.type === 'feedback.added') {
        setFeedbackAdded((n) => n + event.added);
      } else {
        void revalidateRef.current();
      }
    },
    onJoin: () => {
      // A re-join may have missed a report; the first join follows the page load.
      if (joined.current) void revalidateRef.current();
      joined.current = true;
    },
  });

  useEffect(() => {
    if (check.state !== 'pending' || check.slow) return;
    const timer = setTimeout(() => setCheck((c) => (c.state === 'pending' ? { state: 'pending', slow: true } : c)), SLOW_MS);
    return () => clearTimeout(timer);
  }, [check]);

  const checkNow = useCallback(async () => {
    setCheck({ state: 'pending', slow: false });
    try {
      await trpc.monitoring.checkDrift.mutate({ projectId });
    } catch (error) {
      setCheck({ state: 'failed', message: error instanceof Error ? error.message : 'the check could not be requested' });
    }
  }, [projectId]);

  return { check, checkNow, feedbackAdded, roomStatus: room.status };
}
