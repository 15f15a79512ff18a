import { useCallback, useEffect, useState } from 'react';
import { describeError, errorCodeOf } from './errors.ts';
import { readResolutionChange } from './review-events.ts';
import { withoutSample, type ReviewQueue } from './review-queue.ts';
import type { ProjectEvent } from './socket.client.ts';
import { trpc } from './trpc.client.ts';
import { useLatestRefetch } from './use-latest-refetch.ts';

const refetchEveryMs = 1000;
// Long enough to read "Sample #12 resolved as Refund."; errors stay until the next action.
const infoForMs = 4000;

/** A message about the last thing the reviewer did (or tried to). */
export interface ReviewMessage {
  id: number;
  tone: 'info' | 'error';
  text: string;
}

/** Events after which the lists may have gained or lost items. */
function changesQueue(event: ProjectEvent): boolean {
  // New or undone annotations make or unmake disagreements; a new version rebuilds suspects; another
  // reviewer's dismissal removes one.
  return ['annotation.changed', 'resolution.changed', 'model.version', 'suspects.updated', 'suspect.dismissed'].includes(event.type);
}

/**
 * The review page's lists, kept current: an item leaves as soon as its sample has a final label,
 * whoever chose it, and the lists are refetched (throttled) after any change that may add items.
 */
export function useReviewQueue(projectId: number, initial: ReviewQueue, flaggedOnly = true) {
  const [queue, setQueue] = useState(initial);
  const [busy, setBusy] = useState<ReadonlySet<number>>(new Set());
  const [message, setMessage] = useState<ReviewMessage | null>(null);

  useEffect(() => setQueue(initial), [initial]);

  useEffect(() => {
    if (message?.tone !== 'info') return;
    const timer = setTimeout(() => setMessage(null), infoForMs);
    return () => clearTimeout(timer);
  }, [message]);

  const load = useCallback(async () => {
    const [disagreements, suspects] = await Promise.all([trpc.review.disagreements.query({ projectId }), trpc.review.suspects.query({ projectId, flaggedOnly })]);
    return { disagreements, suspects };
  }, [projectId, flaggedOnly]);
  // Responses can overtake each other and local removals: `supersede` drops those on their way.
  const { error: staleError, refetch, supersede } = useLatestRefetch(load, setQueue, refetchEveryMs);

  const remove = useCallback(
    (sampleId: number) => {
      // A refetch already in flight may predate this change; drop it and ask again.
      supersede();
      setQueue((current) => withoutSample(current, sampleId));
      refetch();
    },
    [refetch, supersede],
  );

  /** Runs one decision about a sample; on success the sample leaves the lists. */
  const act = useCallback(
    async (sampleId: number, run: () => Promise<unknown>, done: string) => {
      setBusy((ids) => new Set(ids).add(sampleId));
      try {
        await run();
        remove(sampleId);
        setMessage({ id: Date.now(), tone: 'info', text: done });
      } catch (err) {
        // Someone else got there first: the item is out of date, so take it away rather than retry.
        if (errorCodeOf(err) === 'CONFLICT') remove(sampleId);
        setMessage({ id: Date.now(), tone: 'error', text: describeError(err) });
      } finally {
        setBusy((ids) => {
          const next = new Set(ids);
          next.delete(sampleId);
          return next;
        });
      }
    },
    [remove],
  );

  const resolve = useCallback(
    (sampleId: number, labelId: number, labelName: string) =>
      act(sampleId, () => trpc.review.resolve.mutate({ projectId, sampleId, labelId }), `Sample #${sampleId} resolved as ${labelName}.`),
    [act, projectId],
  );

  const decide = useCallback(
    (sampleId: number, decision: 'accept' | 'dismiss', labelNames?: { given: string; suggested: string }) =>
      act(
        sampleId,
        () => trpc.review.decideSuspect.mutate({ projectId, sampleId, decision }),
        decision === 'accept'
          ? `Sample #${sampleId} relabeled${labelNames ? ` as ${labelNames.suggested}` : ''}.`
          : `Sample #${sampleId} keeps its label${labelNames ? ` ${labelNames.given}` : ''}.`,
      ),
    [act, projectId],
  );

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      const change = readResolutionChange(event);
      if (change) remove(change.sampleId);
      else if (changesQueue(event)) refetch();
    },
    [refetch, remove],
  );

  const clearMessage = useCallback(() => setMessage(null), []);

  return { queue, busy, message, clearMessage, staleError, resolve, decide, handleEvent, refetch };
}
