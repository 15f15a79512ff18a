import { Link } from '@remix-run/react';
import { formatCount, sentence } from '../utils/format.ts';
import { driftVerdict, formatPValue, largestShifts, type MonitoringOverview } from '../utils/monitoring.ts';
import { formatPercent } from '../utils/format.ts';
import type { DriftCheckState } from '../utils/use-monitoring-live.ts';
import { RelativeTime } from './relative-time.tsx';

type Drift = MonitoringOverview['drift'];

interface Props {
  drift: Drift;
  check: DriftCheckState;
  onCheck: () => void;
}

/** Is production still like the training data: the method, the latest verdict, history, and "Check now". */
export function DriftPanel({ drift, check, onCheck }: Props) {
  const latest = drift.latest;
  const verdict = latest ? driftVerdict(latest) : null;
  return (
    <section className="panel drift" aria-labelledby="drift-heading" data-testid="drift-panel">
      <div className="drift__head">
        <h2 id="drift-heading">Drift</h2>
        <button type="button" className="button" onClick={onCheck} disabled={check.state === 'pending' && !check.slow}>
          {check.state === 'pending' && !check.slow ? <span className="spinner" aria-hidden="true" /> : null}
          {check.state === 'pending' && !check.slow ? 'Checking…' : 'Check now'}
        </button>
      </div>
      <CheckStatus check={check} />
      {latest && verdict ? (
        <div className="drift__latest">
          <p className={`drift__verdict ${verdict.drifted ? 'is-drifted' : 'is-ok'}`} data-testid="drift-verdict">
            {verdict.text}
          </p>
          <p className="muted small" data-testid="drift-compared">
            Checked <RelativeTime date={latest.computedAt} />: the {formatCount(latest.productionCount)} newest production inputs (since{' '}
            <RelativeTime date={latest.windowStart} />) against {latest.reference === 'labeled samples' ? `${formatCount(latest.trainingCount)} labeled samples (an older check, before it compared with your data)` : `a ${latest.reference} (${formatCount(latest.trainingCount)} samples)`}. MMD² ={' '}
            {latest.value.toPrecision(3)}
            {latest.effect !== null ? `, ${latest.effect.toFixed(1)}× its chance threshold` : ''}.
          </p>
          {latest.confidence ? (
            <p className="small" data-testid="drift-confidence">
              Mean confidence: <strong>{formatPercent(latest.confidence.production)}</strong> in production
              {latest.confidence.reference !== null ? (
                <>
                  {' '}
                  vs <strong>{formatPercent(latest.confidence.reference)}</strong> on your data ({signedPoints(latest.confidence.production - latest.confidence.reference)})
                </>
              ) : null}
              .
            </p>
          ) : null}
          {latest.labelShift ? <LabelShiftChart shift={latest.labelShift} /> : null}
        </div>
      ) : (
        <p className="muted" data-testid="drift-none">
          No drift check yet. One runs on its own every 200 predictions, or ask for one now.
        </p>
      )}
      <p className="drift__method small">
        <strong>How it is measured: </strong>
        {drift.method}
      </p>
      {drift.history.length > 1 ? (
        <div className="table-wrap">
          <table className="table drift__history">
            <caption className="visually-hidden">Earlier drift checks, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Checked</th>
                <th scope="col" className="numeric">
                  MMD²
                </th>
                <th scope="col" className="numeric">
                  p-value
                </th>
                <th scope="col" className="numeric">
                  Effect
                </th>
                <th scope="col">Verdict</th>
              </tr>
            </thead>
            <tbody>
              {drift.history.map((h) => (
                <tr key={h.computedAt}>
                  <td>
                    <RelativeTime date={h.computedAt} />
                  </td>
                  <td className="numeric">{h.value.toPrecision(3)}</td>
                  <td className="numeric">{formatPValue(h.pValue)}</td>
                  <td className="numeric">{h.effect === null ? '—' : `${h.effect.toFixed(1)}×`}</td>
                  <td>
                    {h.drifted ? (
                      <span className="badge badge--danger">drift</span>
                    ) : h.signal ? (
                      <span className="badge badge--warning">difference, not yet an alarm</span>
                    ) : (
                      <span className="badge badge--quiet">no drift</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function signedPoints(x: number): string {
  const points = Math.round(x * 1000) / 10;
  return `${points > 0 ? '+' : points < 0 ? '−' : '±'}${Math.abs(points)} points`;
}

type Shift = NonNullable<NonNullable<Drift['latest']>['labelShift']>;

/** Predicted-label shares in production against the pool, for the labels that moved most. */
function LabelShiftChart({ shift }: { shift: Shift }) {
  const rows = largestShifts(shift.shares);
  const max = Math.max(0.01, ...rows.flatMap((r) => [r.production, r.reference]));
  return (
    <figure className="label-shift" data-testid="label-shift">
      <figcaption className="small">
        <strong>Label shift:</strong> {formatPercent(shift.distance)} of predictions would have to change label to match the mix the model predicts on your data (total
        variation distance, p = {formatPValue(shift.pValue)}). The labels that moved most:
      </figcaption>
      <table className="label-shift__table">
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Production</th>
            <th scope="col">Your data</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.labelId}>
              <th scope="row">{r.name}</th>
              <td>
                <span className="label-shift__bar label-shift__bar--production" style={{ width: `${(r.production / max) * 75}%` }} />
                <span className="label-shift__value">{formatPercent(r.production)}</span>
              </td>
              <td>
                <span className="label-shift__bar label-shift__bar--reference" style={{ width: `${(r.reference / max) * 75}%` }} />
                <span className="label-shift__value">{formatPercent(r.reference)}</span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

function CheckStatus({ check }: { check: DriftCheckState }) {
  const text =
    check.state === 'pending'
      ? check.slow
        ? 'No answer from the trainer after a minute: it may be busy training, or not running. The result still shows here when it comes.'
        : 'Drift check requested; the result shows here when the trainer has run it.'
      : check.state === 'skipped'
        ? `The check did not run: it ${check.reason}.`
        : check.state === 'failed'
          ? `${sentence(check.message)}.`
          : check.state === 'checked'
            ? 'Checked just now: the figures below are up to date.'
            : '';
  return (
    <p className={`drift__status small ${check.state === 'skipped' || check.state === 'failed' || (check.state === 'pending' && check.slow) ? 'is-warning' : ''}`} role="status" data-testid="drift-status">
      {text}
    </p>
  );
}

/** The banner over the page when the latest check found drift: what it means and what to do. */
export function DriftAlert({ projectId, computedAt }: { projectId: number; computedAt: string }) {
  return (
    <section className="drift-alert" role="alert" data-testid="drift-alert">
      <h2>Production inputs no longer look like the training data</h2>
      <p>
        The latest two checks (the last one <RelativeTime date={computedAt} />) both found that what apps send to the model differs from the data you
        imported, so its predictions may be less accurate than its figures on the Models tab suggest.
      </p>
      <p>
        <strong>What to do:</strong> label some recent production inputs. Turn on production feedback in Settings so low-confidence inputs reach the
        labeling queue, or import a fresh sample of production data, then label it.
      </p>
      <div className="actions">
        <Link to={`/projects/${projectId}/label`} className="button button--primary">
          Label
        </Link>
        <Link to={`/projects/${projectId}/settings`} className="button">
          Settings
        </Link>
      </div>
    </section>
  );
}
