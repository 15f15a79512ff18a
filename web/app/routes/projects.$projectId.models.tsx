import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node';
import { Link, useLoaderData } from '@remix-run/react';
import { ModelCharts } from '../components/model-charts.tsx';
import { ModelDetails } from '../components/model-details.tsx';
import { ModelVersionsTable, type PromoteResult } from '../components/model-versions-table.tsx';
import { RouteError } from '../components/route-error.tsx';
import { TrainingStatus } from '../components/training-status.tsx';
import { TrainerMemoryLine } from '../components/trainer-memory.tsx';
import { formErrorsOf, loadOrThrow } from '../utils/errors.server.ts';
import { readText } from '../utils/form.ts';
import { formatPercent, pluralize } from '../utils/format.ts';
import { chooseVersion, findLiveVersion } from '../utils/models.ts';
import { parseProjectId } from '../utils/params.ts';
import { useProject } from '../utils/project.ts';
import { hasRole } from '../utils/roles.ts';
import { requireUser } from '../utils/session.server.ts';
import { useTrainingActivity } from '../utils/use-training-activity.ts';

export const meta: MetaFunction = () => [{ title: 'Models · Sift' }];

export async function loader({ context, request, params }: LoaderFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const [{ versions, promotionRule }, trainerMemory] = await Promise.all([
    loadOrThrow(request, () => context.caller.models.list({ projectId })),
    loadOrThrow(request, () => context.caller.models.trainerMemory({ projectId })),
  ]);
  // `?version=3` picks the version shown in detail, so a version's page can be linked to.
  const chosen = chooseVersion(versions, new URL(request.url).searchParams.get('version'));
  const details = chosen ? await loadOrThrow(request, () => context.caller.models.get({ projectId, versionId: chosen.id })) : null;
  return { versions, promotionRule, details, trainerMemory };
}

/** Puts a version live: a promotion, or a roll-back to an older one. */
export async function action({ context, request, params }: ActionFunctionArgs) {
  requireUser(context, request);
  const projectId = parseProjectId(params.projectId);
  const versionId = Number(readText(await request.formData(), 'versionId'));
  try {
    await context.caller.models.promote({ projectId, versionId });
    return data<PromoteResult>({ ok: true });
  } catch (error) {
    const { formError } = formErrorsOf(error);
    return data<PromoteResult>({ ok: false, formError: formError ?? 'that version could not be put live' }, { status: 400 });
  }
}

export default function ModelsPage() {
  const { project, role, labels } = useProject();
  const { versions, promotionRule, details, trainerMemory } = useLoaderData<typeof loader>();
  const { activity } = useTrainingActivity(project.id);
  const live = findLiveVersion(versions);
  return (
    <div className="models">
      <section className="panel models__summary" aria-labelledby="live-heading">
        <h2 id="live-heading" className="visually-hidden">
          Live model
        </h2>
        {live ? (
          <p className="big-number">
            v<span data-testid="live-version">{live.version}</span>
            <span className="big-number__of">
              {' '}
              is live ·{' '}
              {live.accuracy === null
                ? `accuracy not measured (${live.accuracyNote ?? 'no random check samples'})`
                : `${formatPercent(live.accuracy)} accuracy (95% interval ${formatPercent(live.accuracyLow)}–${formatPercent(live.accuracyHigh)} on ${pluralize(live.checkCount, 'random check sample')})`}{' '}
              · {formatPercent(live.macroF1)} macro-F1 · trained on {pluralize(live.labelCount, 'label')}
            </span>
          </p>
        ) : versions.length > 0 ? (
          <p className="big-number__of">No version is live.</p>
        ) : (
          <div className="models__empty" data-testid="models-empty">
            <p>No model yet — label a few examples of at least two labels.</p>
            <Link to={`/projects/${project.id}/label`} className="button button--primary">
              Label
            </Link>
          </div>
        )}
        <TrainingStatus activity={activity} />
        <TrainerMemoryLine memory={trainerMemory} />
        <div className="callout">
          <p>
            <strong>When a new version goes live. </strong>
            {promotionRule}
          </p>
        </div>
      </section>

      {versions.length > 0 ? (
        <>
          <ModelCharts versions={versions} />
          <section className="panel" aria-labelledby="versions-heading">
            <h2 id="versions-heading">Versions</h2>
            <ModelVersionsTable versions={versions} selectedId={details?.id ?? null} canPromote={hasRole(role, 'lead')} />
          </section>
        </>
      ) : null}

      {details ? (
        <section className="panel" aria-labelledby="details-heading" data-testid="model-details">
          <h2 id="details-heading">
            v{details.version} in detail
            {details.status === 'active' ? <span className="badge heading-badge">Live</span> : null}
          </h2>
          <ModelDetails key={details.id} version={details.version} metrics={details.metrics} labels={labels} />
        </section>
      ) : null}
    </div>
  );
}

export function ErrorBoundary() {
  return <RouteError />;
}
