import { Link } from '@remix-run/react';
import { AnnotatorTable } from '../components/annotator-table.tsx';
import { LabelChart } from '../components/label-chart.tsx';
import { PresenceList } from '../components/presence-list.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { RouteError } from '../components/route-error.tsx';
import { formatCount, percentOf } from '../utils/format.ts';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';
import { useLiveStats } from '../utils/use-live-stats.ts';
import { useProjectRoom } from '../utils/use-project-room.ts';
import { useOptionalUser } from '../utils/user.ts';

export default function ProjectOverviewPage() {
  const { project, role, labels, stats: initialStats } = useProject();
  const me = useOptionalUser();
  const live = useLiveStats(project.id, initialStats);
  const room = useProjectRoom(project.id, { onEvent: live.refresh, onJoin: live.refresh });
  const { stats } = live;
  const canImport = hasRole(role, 'lead');
  const base = `/projects/${project.id}`;
  return (
    <div className="overview">
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
          {percentOf(stats.resolvedCount, stats.sampleCount)}% done · {formatCount(stats.annotationCount)} annotations in total
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
