import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { useCallback, useMemo, useRef } from 'react';
import { ExploreClasses } from '../components/explore-classes.tsx';
import { ExploreMap } from '../components/explore-map.tsx';
import { ExploreResults } from '../components/explore-results.tsx';
import { ExploreSearch } from '../components/explore-search.tsx';
import { RouteError } from '../components/route-error.tsx';
import { loadOrThrow } from '../utils/errors.server.ts';
import { labelColours } from '../utils/explore.ts';
import { sentence } from '../utils/format.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { readResolutionChange } from '../utils/review-events.ts';
import { requireUser } from '../utils/session.server.ts';
import { useExploreOverview } from '../utils/use-explore-overview.ts';
import { useExploreResults, type ResultSource } from '../utils/use-explore-results.ts';
import { useProjectRoom } from '../utils/use-project-room.ts';
import exploreStylesUrl from '../styles/explore.css?url';

export const meta: MetaFunction = () => [{ title: 'Explore · Sift' }];

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: exploreStylesUrl }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const [classes, map] = await loadOrThrow(request, () => Promise.all([context.caller.explore.classes({ projectId }), context.caller.explore.map({ projectId })]));
  return { classes, map };
}

/** Look through the samples: class balance, a map of what is alike, search, and bulk labeling of what it finds. */
export default function ExplorePage() {
  const { project, labels, members } = useProject();
  const initial = useLoaderData<typeof loader>();
  const overview = useExploreOverview(project.id, initial);
  const colours = useMemo(() => labelColours(labels), [labels]);
  const results = useExploreResults({ projectId: project.id, labels, onLabeled: overview.refetch });
  const resultsRef = useRef<HTMLElement>(null);
  const { patchLabel } = results;

  useProjectRoom(project.id, {
    onEvent: (event) => {
      overview.handleEvent(event);
      const change = readResolutionChange(event);
      if (change) patchLabel(change.sampleId, change.labelId);
    },
    onJoin: overview.refetch,
  });

  // The map and the class list sit above the grid: bring the grid into view when they fill it.
  const { show } = results;
  const showBelow = useCallback(
    (source: ResultSource) => {
      show(source);
      resultsRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' });
    },
    [show],
  );

  const resultIds = useMemo(() => new Set(results.items.map((i) => i.id)), [results.items]);
  const anchorId = results.source?.kind === 'similar' ? results.source.sampleId : null;

  return (
    <div className="explore">
      {overview.error ? (
        <p className="form-error explore__wide" role="alert">
          {sentence(overview.error)} The figures below may be out of date.
        </p>
      ) : null}
      <ExploreClasses projectId={project.id} distribution={overview.classes} colours={colours} onShowCandidates={(labelId) => showBelow({ kind: 'rare', labelId })} />
      <ExploreMap
        points={overview.map.points}
        labels={labels}
        colours={colours}
        anchorId={anchorId}
        resultIds={resultIds}
        onPick={(sampleId) => showBelow({ kind: 'similar', sampleId })}
      />
      <ExploreSearch
        dataType={project.dataType}
        labels={labels}
        members={members}
        filter={results.filter}
        source={results.source}
        busy={results.loading}
        onFilter={results.setFilter}
        onSearch={show}
      />
      <ExploreResults
        ref={resultsRef}
        results={results}
        labels={labels}
        members={members}
        colours={colours}
        onMoreLikeThis={(sampleId) => showBelow({ kind: 'similar', sampleId })}
      />
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
