import { useCallback, useEffect, useRef, useState } from 'react';
import { describeError } from './errors.ts';
import { trpc, type SampleView } from './trpc.client.ts';
import type { StatsView } from './use-live-stats.ts';

/** What the labeling view shows: a sample, the end of the queue, or a failed load to retry. */
/**
 * What the labeling view shows: a sample, the end of the queue, or a failed load to retry. A
 * sample's `asOf` counts the model re-rankings its reason had seen when it was asked for.
 */
export type QueueView = { kind: 'sample'; sample: SampleView; asOf: number } | { kind: 'done' } | { kind: 'stalled' };

export interface Notice {
  id: number;
  text: string;
}

interface Options {
  projectId: number;
  labels: { id: number; name: string }[];
  initialSample: SampleView | null;
  onStats: (stats: StatsView) => void;
  /** Work through this rare class's likely samples instead of the main queue. */
  rareLabelId?: number;
}

// The server accepts at most 500 excluded ids; the oldest skips come back first.
const maxSkipped = 500;

/**
 * One person's pass through the project's queue: label (then advance), skip, undo. Calls run one
 * at a time; a failed call leaves the sample on screen with a message, so nothing is lost.
 */
export function useLabelingSession({ projectId, labels, initialSample, onStats, rareLabelId }: Options) {
  const [view, setView] = useState<QueueView>(initialSample ? { kind: 'sample', sample: initialSample, asOf: 0 } : { kind: 'done' });
  // Model re-rankings announced while this page is open; a ref too, for requests to read at their start.
  const [rankings, setRankings] = useState(0);
  const rankingsRef = useRef(0);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [skipped, setSkipped] = useState<number[]>([]);
  // The name of a label given while the server cannot be reached, until it is sent or given up on.
  const [pendingLabel, setPendingLabel] = useState<string | null>(null);
  // Refs, not state: key presses between two renders must see the latest values.
  const busyRef = useRef(false);
  const shownAt = useRef(0);
  const sample = view.kind === 'sample' ? view.sample : null;

  // durationMs counts from the moment a sample appears.
  useEffect(() => {
    shownAt.current = performance.now();
  }, [sample?.id]);

  const say = useCallback((text: string) => setNotice({ id: Date.now(), text }), []);

  const run = useCallback(async (task: () => Promise<void>) => {
    if (busyRef.current) return;
    busyRef.current = true;
    setBusy(true);
    setError(null);
    try {
      await task();
    } catch (err) {
      setError(describeError(err));
    } finally {
      busyRef.current = false;
      setBusy(false);
    }
  }, []);

  const loadNext = useCallback(
    async (excludeIds: number[]) => {
      const asOf = rankingsRef.current;
      const next = await trpc.labeling.next.query({ projectId, excludeIds, rareLabelId });
      setView(next ? { kind: 'sample', sample: next, asOf } : { kind: 'done' });
    },
    [projectId, rareLabelId],
  );

  const applyLabel = useCallback(
    (labelId: number) =>
      run(async () => {
        if (!sample) return;
        const durationMs = Math.max(0, Math.round(performance.now() - shownAt.current));
        // One id per label given: resending it after a lost answer (server restart, network blip) is applied once.
        const clientId = crypto.randomUUID();
        const name = labels.find((l) => l.id === labelId)?.name ?? 'sample';
        const send = () => trpc.labeling.annotate.mutate({ projectId, sampleId: sample.id, labelId, durationMs, clientId });
        const result = await retryUnreachable(send, { onUnreachable: () => setPendingLabel(name) }).finally(() => setPendingLabel(null));
        onStats(result.stats);
        say(`Labeled “${name}”`);
        try {
          await loadNext(skipped);
        } catch (err) {
          // The label is saved: offer a retry rather than leave the labeled sample on screen.
          setView({ kind: 'stalled' });
          throw err;
        }
      }),
    [run, sample, projectId, onStats, say, labels, loadNext, skipped],
  );

  const skip = useCallback(
    () =>
      run(async () => {
        if (!sample) return;
        const ids = [...skipped.filter((id) => id !== sample.id), sample.id].slice(-maxSkipped);
        setSkipped(ids);
        await loadNext(ids);
      }),
    [run, sample, skipped, loadNext],
  );

  const undo = useCallback(
    () =>
      run(async () => {
        const asOf = rankingsRef.current;
        const back = await trpc.labeling.undo.mutate({ projectId });
        if (!back) {
          say('Nothing to undo');
          return;
        }
        setSkipped((ids) => ids.filter((id) => id !== back.id));
        setView({ kind: 'sample', sample: back, asOf });
        say('Undone: label removed, sample shown again');
      }),
    [run, projectId, say],
  );

  /** Loads the next sample again after a failure, or brings skipped samples back into the queue. */
  const reload = useCallback(
    (options: { includeSkipped?: boolean } = {}) =>
      run(async () => {
        const ids = options.includeSkipped ? [] : skipped;
        if (options.includeSkipped) setSkipped([]);
        await loadNext(ids);
      }),
    [run, skipped, loadNext],
  );

  /** A model re-ranked the queue: the reason on screen (and any sample on its way) predates it. */
  const modelRanked = useCallback(() => {
    rankingsRef.current += 1;
    setRankings(rankingsRef.current);
  }, []);

  // Once idle, the shown sample's reason is asked for again if it predates the latest ranking: its
  // words were the old model's ("no model yet" beside "Model updated to v1"). A sample whose lease
  // was asked for before the ranking and arrived after it is caught here too.
  const staleId = view.kind === 'sample' && view.asOf < rankings && !busy ? view.sample.id : null;
  useEffect(() => {
    if (staleId === null) return;
    const asOf = rankings;
    const update = (why?: SampleView['why']) =>
      setView((current) =>
        current.kind === 'sample' && current.sample.id === staleId ? { kind: 'sample', sample: why === undefined ? current.sample : { ...current.sample, why }, asOf } : current,
      );
    trpc.labeling.sample
      .query({ projectId, sampleId: staleId })
      .then((fresh) => update(fresh.why))
      // Only the reason's words are out of date, and the next sample brings fresh ones.
      .catch(() => update());
  }, [staleId, rankings, projectId]);

  const dismissNotice = useCallback(() => setNotice(null), []);

  return { view, busy, error, notice, pendingLabel, skippedCount: skipped.length, applyLabel, skip, undo, reload, modelRanked, dismissNotice };
}

/**
 * Waits between attempts while the server cannot be reached: about a minute in all (a restart, even
 * a slow one), and at most 3 s apart, so a waiting label goes through soon after the server is back.
 */
const retryDelaysMs: readonly number[] = [500, 1000, 2000, ...Array<number>(20).fill(3000)];

interface RetryOptions {
  delays?: readonly number[];
  /** Called each time an attempt got no answer and another one will follow. */
  onUnreachable?: () => void;
}

/**
 * Runs `send`, again after each delay while the server is unreachable (no HTTP answer at all).
 * Errors the server did answer with are final and thrown at once.
 */
export async function retryUnreachable<T>(send: () => Promise<T>, { delays = retryDelaysMs, onUnreachable }: RetryOptions = {}): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await send();
    } catch (error) {
      const answered = typeof error === 'object' && error !== null && 'data' in error && (error as { data?: unknown }).data != null;
      if (answered || attempt >= delays.length) throw error;
      onUnreachable?.();
      await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
    }
  }
}
