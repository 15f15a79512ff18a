import { Link, useFetcher, useNavigate, useParams, type FetcherWithComponents } from '@remix-run/react';
import type { MouseEvent } from 'react';
import { formatCount, formatDuration, formatPercent } from '../utils/format.ts';
import { describePromotion, findLiveVersion, type ModelVersionSummary } from '../utils/models.ts';
import { FormError } from './form-field.tsx';
import { RelativeTime } from './relative-time.tsx';

/** What the models route's promote action answers. */
export type PromoteResult = { ok: true } | { ok: false; formError: string | null };

interface Props {
  versions: ModelVersionSummary[];
  selectedId: number | null;
  /** Leads and owners may put any version live, and download any version. */
  canPromote: boolean;
}

const statusNames: Record<ModelVersionSummary['status'], string> = {
  active: 'Live',
  candidate: 'Candidate',
  retired: 'Retired',
  rejected: 'Not put live',
};

/** Every version, newest first: its figures, timings and why it went live (or didn't). */
export function ModelVersionsTable({ versions, selectedId, canPromote }: Props) {
  const fetcher = useFetcher<PromoteResult>({ key: 'promote-version' });
  const navigate = useNavigate();
  const live = findLiveVersion(versions);
  const { projectId } = useParams();

  // The whole row selects the version; the version link is the keyboard and screen-reader path.
  function selectRow(event: MouseEvent<HTMLTableRowElement>, version: number) {
    if ((event.target as HTMLElement).closest('a, button, form')) return;
    navigate(`?version=${version}`, { preventScrollReset: true });
  }

  return (
    <div className="stack">
      <FormError message={fetcher.data?.ok === false ? fetcher.data.formError : null} />
      <div className="table-wrap">
        <table className="table table--versions" data-testid="models-table">
          <caption className="visually-hidden">Model versions, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Version</th>
              <th scope="col" className="numeric">Labels</th>
              <th scope="col" className="numeric" title="On random check samples drawn from your data, by a model that did not train on them: the figure, its 95% interval and how many samples">
                Accuracy
              </th>
              <th scope="col" className="numeric">Macro-F1</th>
              <th scope="col" className="numeric hide-small th-wrap" title="Accuracy by cross-validation over every label: mostly the queue's picks, hard cases, so usually lower">
                CV accuracy
              </th>
              <th scope="col" className="numeric hide-small th-wrap" title="How long training took, and on which backend">
                Train time
              </th>
              <th scope="col" className="numeric hide-small th-wrap" title="From the label that triggered training to this version going live">
                Label → live
              </th>
              <th scope="col">When</th>
              <th scope="col">Why</th>
              {canPromote ? (
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr
                key={v.id}
                data-testid={`model-row-${v.version}`}
                data-status={v.status}
                className={`is-clickable${v.id === selectedId ? ' is-selected' : ''}`}
                onClick={(event) => selectRow(event, v.version)}
              >
                <td>
                  <Link to={`?version=${v.version}`} preventScrollReset className="version-link" aria-current={v.id === selectedId ? 'true' : undefined}>
                    v{v.version}
                  </Link>{' '}
                  <span className={v.status === 'active' ? 'badge' : 'badge badge--quiet'}>{statusNames[v.status]}</span>
                </td>
                <td className="numeric">{formatCount(v.labelCount)}</td>
                <td className="numeric" data-testid={`model-accuracy-${v.version}`}>
                  {formatPercent(v.accuracy, 1)}
                  {v.accuracyLow !== null && v.accuracyHigh !== null ? (
                    <span className="table__sub">
                      {formatPercent(v.accuracyLow)}–{formatPercent(v.accuracyHigh)} · n={formatCount(v.checkCount)}
                    </span>
                  ) : (
                    <span className="table__sub">{v.accuracyNote}</span>
                  )}
                </td>
                <td className="numeric">{formatPercent(v.macroF1, 1)}</td>
                <td className="numeric hide-small">{formatPercent(v.cvAccuracy, 1)}</td>
                <td className="numeric hide-small">
                  {formatDuration(v.trainMs)}
                  {v.backend ? <span className="table__sub">{v.backend}</span> : null}
                </td>
                <td className="numeric hide-small">{formatDuration(v.labelToLiveMs)}</td>
                <td className="nowrap">
                  <RelativeTime date={v.createdAt} />
                </td>
                <td className="table__reason">{describePromotion(v) || '—'}</td>
                {canPromote ? (
                  <td className="nowrap">
                    <div className="table__actions">
                      {v.status === 'active' ? null : <PromoteButton fetcher={fetcher} version={v} liveVersion={live?.version} />}
                      <a
                        className="button button--small button--quiet"
                        href={`/api/v1/projects/${projectId}/models/${v.version}/export`}
                        download
                        data-testid={`model-download-${v.version}`}
                        title="The model as TensorFlow.js files with a README on running it without Sift"
                      >
                        Download
                      </a>
                    </div>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

interface PromoteProps {
  fetcher: FetcherWithComponents<PromoteResult>;
  version: ModelVersionSummary;
  liveVersion: number | undefined;
}

/** "Make live" for a newer version, "Roll back to this" for an older one. */
function PromoteButton({ fetcher, version, liveVersion }: PromoteProps) {
  const rollback = liveVersion !== undefined && version.version < liveVersion;
  const pending = fetcher.state !== 'idle' && fetcher.formData?.get('versionId') === String(version.id);
  return (
    <fetcher.Form method="post">
      <input type="hidden" name="versionId" value={version.id} />
      <button type="submit" className="button button--small" disabled={fetcher.state !== 'idle'}>
        {pending ? 'Working…' : rollback ? 'Roll back to this' : 'Make live'}
      </button>
    </fetcher.Form>
  );
}
