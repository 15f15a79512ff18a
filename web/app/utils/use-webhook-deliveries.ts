import { useCallback, useEffect, useRef, useState } from 'react';
import { trpc } from './trpc.client.ts';
import { useLatestRefetch } from './use-latest-refetch.ts';
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
  const load = useCallback(() => trpc.webhooks.deliveries.query({ projectId, limit: LOG_SIZE }), [projectId]);
  const apply = useCallback((fresh: Awaited<ReturnType<typeof load>>) => setAttempts(fresh.attempts), []);
  const { error, refetch, supersede } = useLatestRefetch(load, apply, refetchEveryMs);

  // The loader ran again (after Send test, a removal): its list wins over any fetch still on its way,
  // and one more fetch catches an attempt logged while the loader was reading.
  const loaded = useRef(initial);
  useEffect(() => {
    if (loaded.current === initial) return;
    loaded.current = initial;
    supersede();
    setAttempts(initial);
    refetch();
  }, [initial, refetch, supersede]);

  const joined = useRef(false);
  const room = useProjectRoom(projectId, {
    onEvent: (event) => {
      if (event.type === 'webhook.delivery') refetch();
    },
    onJoin: () => {
      // The first join follows the page load; a re-join may have missed attempts.
      if (joined.current) refetch();
      joined.current = true;
    },
  });

  return { attempts, error, status: room.status, refetch };
}
