import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useRevalidator } from '@remix-run/react';
import { DriftAlert, DriftPanel } from '../components/drift-panel.tsx';
import { MonitoringCharts } from '../components/monitoring-charts.tsx';
import { RouteError } from '../components/route-error.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { formatCount, pluralize } from '../utils/format.ts';
import { WINDOWS, feedbackText, formatMs, readWindow } from '../utils/monitoring.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';
import { useMonitoringLive } from '../utils/use-monitoring-live.ts';
import apiStylesUrl from '../styles/api.css?url';

export const meta: MetaFunction = () => [{ title: 'Monitoring · Sift' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: apiStylesUrl }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const days = readWindow(new URL(request.url).searchParams.get('days'));
  const overview = await loadOrThrow(request, () => context.caller.monitoring.overview({ projectId, days }));
  // The charts' time axis ends here; sent along so server and browser draw the same slots.
  return { overview, now: new Date().toISOString() };
}

export default function MonitoringPage() {
  const { project, role } = useProject();
  const { overview, now } = useLoaderData<typeof loader>();
  const live = useMonitoringLive(project.id);
  const { revalidate, state } = useRevalidator();
  const { summary, drift } = overview;
  const abstained = overview.traffic.reduce((sum, t) => sum + t.abstained, 0);
  const base = `/projects/${project.id}`;
  return (
    <div className="monitoring">
      {drift.latest?.drifted ? <DriftAlert projectId={project.id} computedAt={drift.latest.computedAt} /> : null}
      <section className="panel monitoring__summary" aria-labelledby="summary-heading">
        <div className="monitoring__head">
          <h2 id="summary-heading">Production traffic</h2>
          <nav className="segmented" aria-label="Time window">
            {WINDOWS.map((d) => (
              <Link key={d} to={`?days=${d}`} className="segmented__option" aria-current={d === overview.days ? 'page' : undefined} preventScrollReset>
                {d === 1 ? '24 hours' : `${d} days`}
              </Link>
            ))}
          </nav>
          <button type="button" className="button button--small button--quiet" onClick={() => void revalidate()} disabled={state !== 'idle'}>
            {state !== 'idle' ? 'Refreshing…' : 'Refresh'}
          </button>
        </div>
        <dl className="facts monitoring__facts">
          <div>
            <dt>Predictions</dt>
            <dd data-testid="prediction-count">{formatCount(summary.count)}</dd>
          </div>
          <div>
            <dt>Abstained</dt>
            <dd>{formatCount(abstained)}</dd>
          </div>
          <div>
            <dt>Latency p50</dt>
            <dd>{formatMs(summary.p50Ms)}</dd>
          </div>
          <div>
            <dt>p95</dt>
            <dd>{formatMs(summary.p95Ms)}</dd>
          </div>
          <div>
            <dt>p99</dt>
            <dd>{formatMs(summary.p99Ms)}</dd>
          </div>
        </dl>
        <p className="monitoring__feedback small" data-testid="feedback-setting">
          <strong>Production feedback: </strong>
          {feedbackText(overview.feedbackBelowConfidence)}{' '}
          {hasRole(role, 'lead') ? (
            <Link to={`${base}/settings`}>{overview.feedbackBelowConfidence === null ? 'Turn it on in Settings' : 'Change in Settings'}</Link>
          ) : (
            <span className="muted">A lead can change this in Settings.</span>
          )}
        </p>
        {live.feedbackAdded > 0 ? (
          <p className="callout small" role="status">
            {pluralize(live.feedbackAdded, 'low-confidence input')} went to the labeling pool while this page was open.
          </p>
        ) : null}
      </section>

      {summary.count === 0 ? (
        <section className="panel empty" data-testid="monitoring-empty">
          <h2>No predictions in the last {overview.days === 1 ? '24 hours' : `${overview.days} days`}</h2>
          <p className="muted">Charts appear here once apps call this project's prediction API. Create a key and copy an example call on the API tab.</p>
          <div className="actions">
            <Link to={`${base}/api`} className="button button--primary">
              Go to the API tab
            </Link>
          </div>
        </section>
      ) : (
        <MonitoringCharts overview={overview} now={now} />
      )}

      <DriftPanel drift={drift} check={live.check} onCheck={() => void live.checkNow()} />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
