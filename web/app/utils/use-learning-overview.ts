import { useCallback, useEffect, useState } from 'react';
import { applyLearningEvent, idleActivity, readEmbedBlocked, readEmbedProgress } from './learning-events.ts';
import { findLiveVersion, type LearningStatus, type ModelVersionSummary } from './models.ts';
import type { ProjectEvent } from './socket.client.ts';
import { trpc } from './trpc.client.ts';
import { useLatestRefetch } from './use-latest-refetch.ts';

export interface LearningOverview {
  status: LearningStatus;
  versions: ModelVersionSummary[];
}

type LiveVersion = Pick<ModelVersionSummary, 'version' | 'accuracy' | 'labelCount' | 'accuracyLow' | 'accuracyHigh'>;

function blockedReasonOf(status: LearningStatus): string | null {
  return status.imageModel.ok ? null : status.imageModel.reason;
}

const refetchEveryMs = 1000;

/**
 * The overview's view of the learning loop, kept current from the trainer's events: embedding
 * progress (straight from the events), why embedding is blocked, the live version (refetched when a
 * version appears) and whether a run is under way.
 */
export function useLearningOverview(projectId: number, initial: LearningOverview) {
  const [embedding, setEmbedding] = useState(initial.status.embedding);
  const [blocked, setBlocked] = useState(blockedReasonOf(initial.status));
  const [live, setLive] = useState<LiveVersion | null>(findLiveVersion(initial.versions) ?? null);
  const [activity, setActivity] = useState(idleActivity);

  useEffect(() => {
    setEmbedding(initial.status.embedding);
    setBlocked(blockedReasonOf(initial.status));
    setLive(findLiveVersion(initial.versions) ?? null);
  }, [initial]);

  const load = useCallback(async () => {
    const [status, list] = await Promise.all([trpc.models.status.query({ projectId }), trpc.models.list.query({ projectId })]);
    return { status, versions: list.versions };
  }, [projectId]);
  const apply = useCallback(({ status, versions }: Awaited<ReturnType<typeof load>>) => {
    setEmbedding(status.embedding);
    setBlocked(blockedReasonOf(status));
    setLive(findLiveVersion(versions) ?? null);
  }, []);
  const { error, refetch } = useLatestRefetch(load, apply, refetchEveryMs);

  const handleEvent = useCallback(
    (event: ProjectEvent) => {
      setActivity((current) => applyLearningEvent(current, event));
      const progress = readEmbedProgress(event);
      if (progress) {
        setEmbedding((current) => ({ ...current, ...progress }));
        // Samples are being prepared, so whatever blocked it is gone.
        setBlocked(null);
        // The names of images that could not be read come with the status.
        if (event.type === 'embed.completed' && progress.failed > 0) refetch();
      }
      const reason = readEmbedBlocked(event);
      if (reason) setBlocked(reason);
      if (event.type === 'model.version') refetch();
    },
    [refetch],
  );

  return { embedding, blocked, live, activity, error, handleEvent, refetch };
}
