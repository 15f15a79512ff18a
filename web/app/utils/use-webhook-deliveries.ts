import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from './errors.ts';
import { throttle } from './throttle.ts';
import { trpc } from './trpc.client.ts';
import { useProjectRoom } from './use-project-room.ts';
import type { WebhookAttemptView } from './webhooks.ts';

/** As many attempts as the page's loader shows. */
const LOG_SIZE = 50;
// Retries of several deliveries can land together: one refetch per burst.
const refetchEveryMs = 500;

/**
 * The delivery log, kept live: each `webhook.delivery` project event (ids only: every member hears
 * project events) refetches it through the lead-only query; so does a re-join after a drop.
 */
export function useWebhookDeliveries(projectId: number, initial: WebhookAttemptView[]) {
  const [attempts, setAttempts] = useState(initial);
  const [error, setError] = useState<string | null>(null);
  // Responses can overtake each other; only the newest request may write.
  const sequence = useRef(0);

  const fetchAttempts = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const fresh = await trpc.webhooks.deliveries.query({ projectId, limit: LOG_SIZE });
      if (mine !== sequence.current) return;
      setAttempts(fresh.attempts);
      setError(null);
    } catch (err) {
      if (mine === sequence.current) setError(describeError(err));
    }
  }, [projectId]);

  const refetch = useMemo(() => throttle(() => void fetchAttempts(), refetchEveryMs), [fetchAttempts]);
  useEffect(() => () => refetch.cancel(), [refetch]);

  // The loader ran again (after Send test, a removal): its list wins over any fetch still on its way,
  // and one more fetch catches an attempt logged while the loader was reading.
  const loaded = useRef(initial);
  useEffect(() => {
    if (loaded.current === initial) return;
    loaded.current = initial;
    sequence.current += 1;
    setAttempts(initial);
    refetch.call();
  }, [initial, refetch]);

  const joined = useRef(false);
  const room = useProjectRoom(projectId, {
    onEvent: (event) => {
      if (event.type === 'webhook.delivery') refetch.call();
    },
    onJoin: () => {
      // The first join follows the page load; a re-join may have missed attempts.
      if (joined.current) refetch.call();
      joined.current = true;
    },
  });

  return { attempts, error, status: room.status, refetch: refetch.call };
}
