import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { useCallback, useEffect } from 'react';
import { LabelPad } from '../components/label-pad.tsx';
import { LabelingSidebar } from '../components/labeling-sidebar.tsx';
import { RouteError } from '../components/route-error.tsx';
import { SampleCard } from '../components/sample-card.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { sentence } from '../utils/format.ts';
import type { LabelingCommand } from '../utils/labeling-keys.ts';
import { parseProjectId, useProject } from '../utils/project.ts';
import { requireUser } from '../utils/session.server.ts';
import { useLabelingKeys } from '../utils/use-labeling-keys.ts';
import { useLabelingSession } from '../utils/use-labeling-session.ts';
import { useLiveStats } from '../utils/use-live-stats.ts';
import { useProjectRoom } from '../utils/use-project-room.ts';
import { useOptionalUser } from '../utils/user.ts';

export const meta: MetaFunction = () => [{ title: 'Label · Sift' }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  // The first sample comes with the page; the rest of the session runs on the browser's tRPC client.
  return { first: await loadOrThrow(request, () => context.caller.labeling.next({ projectId, excludeIds: [] })) };
}

const noticeMs = 1800;

export default function LabelingPage() {
  const { project, labels, stats } = useProject();
  const { first } = useLoaderData<typeof loader>();
  const me = useOptionalUser();
  const live = useLiveStats(project.id, stats);
  const room = useProjectRoom(project.id, { onEvent: live.refresh, onJoin: live.refresh });
  const session = useLabelingSession({ projectId: project.id, labels, initialSample: first, onStats: live.replace });
  const { view, notice, dismissNotice } = session;
  const sample = view.kind === 'sample' ? view.sample : null;
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
          <p className="toast" role="status" aria-live="polite">
            {notice ? <span key={notice.id}>{notice.text}</span> : null}
          </p>
          {session.error ? (
            <p className="form-error" role="alert">
              {sentence(session.error)}
            </p>
          ) : null}
        </div>
        {sample ? (
          <>
            <SampleCard sample={sample} busy={session.busy} />
            <LabelPad
              labels={labels}
              currentLabelId={sample.myLabelId}
              busy={session.busy}
              onLabel={(id) => void session.applyLabel(id)}
              onSkip={() => void session.skip()}
              onUndo={() => void session.undo()}
            />
          </>
        ) : view.kind === 'stalled' ? (
          <section className="panel empty">
            <h2>Your label was saved</h2>
            <p>The next sample didn't load.</p>
            <button type="button" className="button button--primary" onClick={() => void session.reload()} disabled={session.busy}>
              Load the next sample
            </button>
          </section>
        ) : (
          <section className="panel empty" data-testid="all-done">
            <h2>All done</h2>
            <p>
              {session.skippedCount > 0
                ? `Nothing left to label except the ${session.skippedCount} sample${session.skippedCount === 1 ? '' : 's'} you skipped.`
                : 'There are no unlabeled samples left for you in this project.'}
            </p>
            <div className="actions">
              <Link to={`/projects/${project.id}`} className="button button--primary">
                Back to the overview
              </Link>
              {session.skippedCount > 0 ? (
                <button type="button" className="button" onClick={() => void session.reload({ includeSkipped: true })} disabled={session.busy}>
                  Label skipped samples
                </button>
              ) : null}
              <button type="button" className="button button--quiet" onClick={() => void session.undo()} disabled={session.busy}>
                Undo last label
              </button>
            </div>
          </section>
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
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
