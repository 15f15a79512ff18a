import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useMemo } from 'react';
import { AgreementSummary } from '../components/agreement-summary.tsx';
import { DailyChart } from '../components/daily-chart.tsx';
import { LabelAgreementTable } from '../components/label-agreement-table.tsx';
import { RouteError } from '../components/route-error.tsx';
import { TeamTable } from '../components/team-table.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { requireUser } from '../utils/session.server.ts';
import { teamDays } from '../utils/team.ts';
import { useProjectRoom } from '../utils/use-project-room.ts';
import { useTeamStats } from '../utils/use-team-stats.ts';
import { useOptionalUser } from '../utils/user.ts';
import reviewStylesUrl from '../styles/review.css?url';

export const meta: MetaFunction = () => [{ title: 'Team · Sift' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStylesUrl }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  return { team: await loadOrThrow(request, () => context.caller.review.team({ projectId })) };
}

export default function TeamPage() {
  const { project, labels } = useProject();
  const me = useOptionalUser();
  const live = useTeamStats(project.id, useLoaderData<typeof loader>().team);
  useProjectRoom(project.id, { onEvent: live.handleEvent, onJoin: live.refetch });
  const { agreement, annotators } = live.team;
  const names = useMemo(() => new Map(annotators.map((a) => [a.userId, a.name])), [annotators]);
  const days = useMemo(() => teamDays(annotators), [annotators]);
  return (
    <div className="team">
      <section className="panel" aria-labelledby="agreement-heading">
        <h2 id="agreement-heading">How much the team agrees</h2>
        <AgreementSummary agreement={agreement} names={names} />
        {live.error ? <p className="warning-text small">These figures may be out of date: {live.error}</p> : null}
      </section>

      <section className="panel" aria-labelledby="labels-heading">
        <h2 id="labels-heading">Agreement per label</h2>
        <p className="muted small">Each label against all the others. A low figure points at a label people read differently: worth a line in the guidelines.</p>
        <LabelAgreementTable labels={labels} perCategory={agreement.perCategory} />
      </section>

      <section className="panel" aria-labelledby="people-heading">
        <h2 id="people-heading">Annotators ({annotators.length})</h2>
        <p className="muted small">
          “Agrees with final label” compares each annotation with the sample's final label, leaving out samples the person labeled alone. Times are
          measured in the browser, from showing a sample to labeling it.
        </p>
        <TeamTable annotators={annotators} meId={me?.id} />
      </section>

      <section className="panel" aria-labelledby="daily-heading">
        <h2 id="daily-heading">Annotations per day</h2>
        <p className="muted small">The whole team over the last {days.length} days (UTC). Point at a day to see who labeled.</p>
        <DailyChart days={days} />
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
