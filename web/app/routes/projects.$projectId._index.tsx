import type { LoaderFunctionArgs } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { AnnotatorTable } from '../components/annotator-table.tsx';
import { EmbedProgress, LearningBlocked } from '../components/embed-progress.tsx';
import { LabelChart } from '../components/label-chart.tsx';
import { LiveModelSummary } from '../components/live-model-summary.tsx';
import { PresenceList } from '../components/presence-list.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { RouteError } from '../components/route-error.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { formatCount, percentOf, pluralize } from '../utils/format.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';
import { useLearningOverview } from '../utils/use-learning-overview.ts';
import { useLiveStats } from '../utils/use-live-stats.ts';
import { useProjectRoom } from '../utils/use-project-room.ts';
import { useOptionalUser } from '../utils/user.ts';

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const [status, list] = await loadOrThrow(request, () => Promise.all([context.caller.models.status({ projectId }), context.caller.models.list({ projectId })]));
  return { status, versions: list.versions };
}

export default function ProjectOverviewPage() {
  const { project, role, labels, stats: initialStats } = useProject();
  const me = useOptionalUser();
  const live = useLiveStats(project.id, initialStats);
  const learning = useLearningOverview(project.id, useLoaderData<typeof loader>());
  const room = useProjectRoom(project.id, {
    onEvent: (event) => {
      live.handleEvent(event);
      learning.handleEvent(event);
    },
    onJoin: () => {
      live.refresh();
      learning.refetch();
    },
  });
  const { stats } = live;
  const canImport = hasRole(role, 'lead');
  const base = `/projects/${project.id}`;
  return (
    <div className="overview">
      {learning.blocked ? (
        <div className="overview__wide">
          <LearningBlocked reason={learning.blocked} dataType={project.dataType} />
        </div>
      ) : null}
      <section className="panel overview__progress" aria-labelledby="progress-heading">
        <h2 id="progress-heading" className="visually-hidden">
          Progress
        </h2>
        <p className="big-number">
          <span data-testid="labeled-count">{stats.resolvedCount}</span>
          <span className="big-number__of"> of {formatCount(stats.sampleCount)} samples labeled</span>
        </p>
        <ProgressBar value={stats.resolvedCount} max={stats.sampleCount} label="Labeling progress" size="large" />
        <p className="muted">
          {percentOf(stats.resolvedCount, stats.sampleCount)}% done · {pluralize(stats.annotationCount, 'annotation')} in total
          {live.error ? <span className="warning-text"> · counts may be stale: {live.error}</span> : null}
        </p>
        <div className="actions">
          <Link to={`${base}/label`} className="button button--primary">
            Label
          </Link>
          {canImport ? (
            <Link to={`${base}/import`} className="button">
              Import
            </Link>
          ) : null}
          {canImport ? (
            <Link to={`${base}/export`} className="button">
              Export
            </Link>
          ) : null}
          <Link to={`${base}/members`} className="button">
            Members
          </Link>
        </div>
        {stats.sampleCount === 0 ? (
          <p className="callout">
            {canImport ? 'No samples yet. Import a file to start labeling.' : 'No samples yet. A lead or the owner imports them.'}
          </p>
        ) : null}
      </section>

      <section className="panel overview__wide overview__model" aria-labelledby="model-heading">
        <h2 id="model-heading">Model</h2>
        <LiveModelSummary projectId={project.id} live={learning.live} training={learning.activity.training} />
        <EmbedProgress {...learning.embedding} paused={learning.blocked !== null} />
        {learning.error ? <p className="warning-text small">The model's status may be out of date: {learning.error}</p> : null}
      </section>

      <section className="panel" aria-labelledby="labels-heading">
        <h2 id="labels-heading">Labels</h2>
        <LabelChart labels={labels} counts={stats.labelCounts} />
      </section>

      <section className="panel" aria-labelledby="online-heading">
        <h2 id="online-heading">Online now</h2>
        <PresenceList presence={room.presence} status={room.status} meId={me?.id} />
      </section>

      <section className="panel overview__wide" aria-labelledby="annotators-heading">
        <h2 id="annotators-heading">Annotators</h2>
        <AnnotatorTable annotators={stats.annotators} meId={me?.id} />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
