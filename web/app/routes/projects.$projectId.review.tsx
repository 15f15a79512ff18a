import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { useState } from 'react';
import { DisagreementPanel, SuspectPanel } from '../components/review-panels.tsx';
import { ReviewTabs, type ReviewTab } from '../components/review-tabs.tsx';
import { RouteError } from '../components/route-error.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { formatCount, sentence } from '../utils/format.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { labelNameOf } from '../utils/review-events.ts';
import type { ReviewQueue } from '../utils/review-queue.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';
import { useLabelingKeys } from '../utils/use-labeling-keys.ts';
import { useProjectRoom } from '../utils/use-project-room.ts';
import { useReviewQueue } from '../utils/use-review-queue.ts';
import reviewStylesUrl from '../styles/review.css?url';

export const meta: MetaFunction = () => [{ title: 'Review · Sift' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: reviewStylesUrl }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  try {
    const [disagreements, suspects] = await loadOrThrow(request, () =>
      Promise.all([context.caller.review.disagreements({ projectId }), context.caller.review.suspects({ projectId, flaggedOnly: !showAll(request) })]),
    );
    return { queue: { disagreements, suspects } as ReviewQueue | null };
  } catch (error) {
    // The server decides who may review; everyone else gets this page's explanation, not an error page.
    if (error instanceof Response && error.status === 403) return { queue: null };
    throw error;
  }
}

/** `?suspects=all` also lists the ranked samples the method did not flag. */
function showAll(request: Request): boolean {
  return new URL(request.url).searchParams.get('suspects') === 'all';
}

type Tab = 'disagreements' | 'suspects';

const disagreementsIntro = 'Samples that annotators labeled differently. Your choice becomes the final label for everyone.';
const suspectsIntro = 'Labels the model doubts after its latest version. Accept to relabel the sample, or dismiss if the label is right.';

export default function ReviewPage() {
  const { project, role } = useProject();
  const { queue } = useLoaderData<typeof loader>();
  if (!queue || !hasRole(role, 'reviewer')) {
    return (
      <section className="panel error-panel" role="alert" data-testid="review-refused">
        <h2>Only reviewers, leads and owners review labels</h2>
        <p>
          Reviewers settle samples that annotators labeled differently and check labels the model doubts. Ask the project's owner if you should be
          one.
        </p>
        <Link to={`/projects/${project.id}/label`} className="button">
          Back to labeling
        </Link>
      </section>
    );
  }
  return <ReviewWorkspace initial={queue} />;
}

function ReviewWorkspace({ initial }: { initial: ReviewQueue }) {
  const { project, role, labels } = useProject();
  const [searchParams] = useSearchParams();
  const allSuspects = searchParams.get('suspects') === 'all';
  const review = useReviewQueue(project.id, initial, !allSuspects);
  const [tab, setTab] = useState<Tab>(allSuspects ? 'suspects' : 'disagreements');
  useProjectRoom(project.id, { onEvent: review.handleEvent, onJoin: review.refetch });
  const { disagreements, suspects } = review.queue;

  // The label keys settle the first disagreement, as they label the sample on the labeling page.
  const first = disagreements.items[0];
  useLabelingKeys(
    labels,
    (command) => {
      if (command.kind === 'label' && first) void review.resolve(first.sample.id, command.labelId, labelNameOf(labels, command.labelId));
    },
    tab === 'disagreements' && first !== undefined && !review.busy.has(first.sample.id),
  );

  const tabs: ReviewTab<Tab>[] = [
    { id: 'disagreements', name: 'Disagreements', count: disagreements.total },
    { id: 'suspects', name: 'Suspected mislabels', count: suspects.open },
  ];
  const current = tabs.find((t) => t.id === tab)!;
  const select = (next: Tab) => {
    setTab(next);
    // A note about the other list would be confusing here.
    review.clearMessage();
  };
  return (
    <div className="review">
      <ReviewTabs tabs={tabs} selected={tab} onSelect={select} panelId="review-panel" />
      <section id="review-panel" role="tabpanel" aria-labelledby={`review-panel-tab-${tab}`} className="review__panel">
        <div className="review__head">
          <h2>
            {current.name}{' '}
            <span data-testid={`${tab}-count`}>
              {/* Showing every ranked label, the list is longer than the flagged count: say both. */}
              {tab === 'suspects' && allSuspects ? `(${formatCount(suspects.open)} flagged, ${formatCount(suspects.items.length)} listed)` : `(${formatCount(current.count)})`}
            </span>
          </h2>
          <p className="muted">{tab === 'disagreements' ? disagreementsIntro : suspectsIntro}</p>
          <p className={`toast${review.message?.tone === 'error' ? ' warning-text' : ''}`} role="status" aria-live="polite" data-testid="review-message">
            {review.message ? <span key={review.message.id}>{sentence(review.message.text)}</span> : null}
          </p>
          {review.staleError ? <p className="warning-text small">These lists may be out of date: {review.staleError}</p> : null}
        </div>
        {tab === 'disagreements' ? (
          <DisagreementPanel
            list={disagreements}
            labels={labels}
            busy={review.busy}
            settingsUrl={hasRole(role, 'lead') ? `/projects/${project.id}/settings` : null}
            onResolve={(sampleId, labelId, name) => void review.resolve(sampleId, labelId, name)}
          />
        ) : (
          <SuspectPanel
            projectId={project.id}
            list={suspects}
            labels={labels}
            busy={review.busy}
            onDecide={(sampleId, decision) => {
              const item = suspects.items.find((i) => i.sampleId === sampleId);
              const names = item && { given: labelNameOf(labels, item.labelId), suggested: labelNameOf(labels, item.suggestedLabelId) };
              void review.decide(sampleId, decision, names);
            }}
            showAllUrl={allSuspects ? `/projects/${project.id}/review` : `/projects/${project.id}/review?suspects=all`}
            showingAll={allSuspects}
          />
        )}
      </section>
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
