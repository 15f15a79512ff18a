import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useCallback, useEffect } from 'react';
import { ConnectionNotice } from '../components/connection-notice.tsx';
import { LabelPad } from '../components/label-pad.tsx';
import { LabelingSidebar } from '../components/labeling-sidebar.tsx';
import { QueueEnd } from '../components/queue-end.tsx';
import { QueueWhy } from '../components/queue-why.tsx';
import { RareQueueBanner } from '../components/rare-queue-banner.tsx';
import { RouteError } from '../components/route-error.tsx';
import { SampleCard } from '../components/sample-card.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { readRareLabelId } from '../utils/explore.ts';
import { sentence } from '../utils/format.ts';
import type { LabelingCommand } from '../utils/labeling-keys.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { requireUser } from '../utils/session.server.ts';
import { useLabelingKeys } from '../utils/use-labeling-keys.ts';
import { useLabelingSession } from '../utils/use-labeling-session.ts';
import { useLiveStats } from '../utils/use-live-stats.ts';
import { useModelNotice } from '../utils/use-model-notice.ts';
import { useProjectRoom } from '../utils/use-project-room.ts';
import { isModelRanking } from '../utils/learning-events.ts';
import { useResolutionNotice } from '../utils/use-resolution-notice.ts';
import { useOptionalUser } from '../utils/user.ts';

export const meta: MetaFunction = () => [{ title: 'Label · Sift' }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  // `?rare=<labelId>` (from the explore page) works through that rare class's likely samples.
  const rareLabelId = readRareLabelId(new URL(request.url).searchParams);
  // The first sample comes with the page; the rest of the session runs on the browser's tRPC client.
  const first = await loadOrThrow(request, () => context.caller.labeling.next({ projectId, excludeIds: [], rareLabelId }));
  return { first, rareLabelId: rareLabelId ?? null };
}

const noticeMs = 1800;

export default function LabelingPage() {
  const { rareLabelId } = useLoaderData<typeof loader>();
  // Switching between the main and a rare queue is a new session: its own sample, skips and notices.
  return <LabelingSession key={rareLabelId ?? 'main'} />;
}

function LabelingSession() {
  const { project, labels, stats } = useProject();
  const { first, rareLabelId } = useLoaderData<typeof loader>();
  const me = useOptionalUser();
  const live = useLiveStats(project.id, stats);
  const modelNotice = useModelNotice();
  const resolutionNotice = useResolutionNotice(labels, me?.id);
  const session = useLabelingSession({ projectId: project.id, labels, initialSample: first, onStats: live.replace, rareLabelId: rareLabelId ?? undefined });
  const { view, notice, dismissNotice } = session;
  const sample = view.kind === 'sample' ? view.sample : null;
  const room = useProjectRoom(project.id, {
    onEvent: (event) => {
      live.handleEvent(event);
      modelNotice.handleEvent(event);
      resolutionNotice.handleEvent(event, sample?.id ?? null);
      if (isModelRanking(event)) session.modelRanked();
    },
    onJoin: live.refresh,
  });
  const myCount = live.stats.annotators.find((a) => a.userId === me?.id)?.count ?? 0;

  const { focusSample } = room;
  useEffect(() => focusSample(sample?.id ?? null), [focusSample, sample?.id]);

  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(dismissNotice, noticeMs);
    return () => clearTimeout(timer);
  }, [notice, dismissNotice]);

  const onCommand = useCallback(
    (command: LabelingCommand) => {
      if (command.kind === 'label') void session.applyLabel(command.labelId);
      else if (command.kind === 'skip') void session.skip();
      else void session.undo();
    },
    [session],
  );
  useLabelingKeys(labels, onCommand, true);

  return (
    <div className="labeling">
      <div className="labeling__main">
        <div className="labeling__messages">
          <ConnectionNotice pendingLabel={session.pendingLabel} offline={room.status === 'offline'} />
          {rareLabelId !== null ? <RareQueueBanner projectId={project.id} labels={labels} rareLabelId={rareLabelId} done={view.kind === 'done'} /> : null}
          <div className="labeling__toasts">
            <p className="toast" role="status" aria-live="polite">
              {notice ? <span key={notice.id}>{notice.text}</span> : null}
            </p>
            <p className="toast toast--quiet" role="status" aria-live="polite" data-testid="model-toast">
              {modelNotice.notice ? <span key={modelNotice.notice.id}>{modelNotice.notice.text}</span> : null}
            </p>
            <p className="toast toast--quiet" role="status" aria-live="polite" data-testid="resolution-toast">
              {resolutionNotice.notice ? <span key={resolutionNotice.notice.id}>{resolutionNotice.notice.text}</span> : null}
            </p>
          </div>
          {session.error ? (
            <p className="form-error" role="alert">
              {sentence(session.error)}
            </p>
          ) : null}
        </div>
        {view.kind === 'sample' ? (
          <>
            <SampleCard sample={view.sample} busy={session.busy} />
            <QueueWhy why={view.sample.why} labels={labels} />
            <LabelPad
              labels={labels}
              currentLabelId={view.sample.myLabelId}
              busy={session.busy}
              onLabel={(id) => void session.applyLabel(id)}
              onSkip={() => void session.skip()}
              onUndo={() => void session.undo()}
            />
          </>
        ) : (
          <QueueEnd
            kind={view.kind}
            projectId={project.id}
            skippedCount={session.skippedCount}
            busy={session.busy}
            onReload={(options) => void session.reload(options)}
            onUndo={() => void session.undo()}
          />
        )}
      </div>
      <LabelingSidebar
        resolvedCount={live.stats.resolvedCount}
        sampleCount={live.stats.sampleCount}
        myCount={myCount}
        presence={room.presence}
        status={room.status}
        meId={me?.id}
        currentSampleId={sample?.id ?? null}
        // While offline the notice above says it all; the counts refresh when the room is joined again.
        statsError={room.status === 'offline' ? null : live.error}
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
