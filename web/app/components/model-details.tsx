import { useId, useState } from 'react';
import { formatCount, formatPercent, pluralize } from '../utils/format.ts';
import { readVersionMetrics, type Metrics, type VersionMetrics } from '../utils/models.ts';
import { ConfusionMatrix } from './confusion-matrix.tsx';
import { ProgressBar } from './progress-bar.tsx';

interface Props {
  version: number;
  /** As the trainer stored them; checked before use. */
  metrics: unknown;
  labels: { id: number; name: string }[];
}

type Source = 'heldOut' | 'crossValidation';

/** One version in depth: how it was fitted and evaluated, per-class figures and its confusion matrix. */
export function ModelDetails({ version, metrics: raw, labels }: Props) {
  const id = useId();
  const metrics = readVersionMetrics(raw);
  const [source, setSource] = useState<Source>('heldOut');
  if (!metrics) return <p className="muted">The metrics of v{version} were stored in a form this page can't read.</p>;
  const shown = source === 'heldOut' && metrics.heldOut ? metrics.heldOut : metrics.crossValidation;
  // Classes are indexed in the order of the version's labelIds, which may differ from today's label set.
  const names = metrics.labelIds.map((labelId) => labels.find((l) => l.id === labelId)?.name ?? `Deleted label #${labelId}`);
  return (
    <div className="stack">
      {metrics.heldOut ? (
        <fieldset className="segmented">
          <legend className="visually-hidden">Figures from</legend>
          {(['heldOut', 'crossValidation'] as const).map((s) => (
            <label key={s} className="segmented__option">
              <input type="radio" name={`${id}-source`} value={s} checked={source === s} onChange={() => setSource(s)} />
              {s === 'heldOut' ? `Held-out samples (${formatCount(metrics.heldOut?.n ?? 0)})` : `Cross-validation (${formatCount(metrics.crossValidation.n)})`}
            </label>
          ))}
        </fieldset>
      ) : (
        <p className="muted small">
          {metrics.numHeldOut === 0 ? 'No held-out samples yet' : `Only ${pluralize(metrics.numHeldOut, 'held-out sample')} so far, too few to judge by`}: these figures come from {metrics.folds}-fold cross-validation over{' '}
          {pluralize(metrics.numLabels, 'labeled sample')}.
        </p>
      )}
      <TrainingFacts metrics={metrics} shown={shown} />
      <h3>Per label</h3>
      <PerClassTable names={names} shown={shown} />
      <h3>Confusion matrix</h3>
      <p className="muted small">Rows are the true label, columns what v{version} predicted; the diagonal is right.</p>
      <ConfusionMatrix names={names} confusion={shown.confusion} />
    </div>
  );
}

function TrainingFacts({ metrics, shown }: { metrics: VersionMetrics; shown: Metrics }) {
  const facts: [string, string, string?][] = [
    ['Accuracy', formatPercent(shown.accuracy, 1)],
    ['Macro-F1', formatPercent(shown.macroF1, 1)],
    ['Calibration error (ECE)', formatPercent(shown.ece, 1), 'How far its confidence is from how often it is right; lower is better'],
    ['Trained on', pluralize(metrics.numTrain, 'sample')],
    ['Held out', pluralize(metrics.numHeldOut, 'sample'), 'Never trained on by any version, so versions compare fairly'],
    ['Cross-validation', `${metrics.folds} folds`],
    [
      'L2 penalty',
      `${metrics.l2.toPrecision(2)}${metrics.l2Choice === 'reused' ? ' (kept from the last search)' : ''}`,
      'Regularization strength, chosen on a validation split; searched again once labels grow by a quarter',
    ],
    ['Optimizer', `${metrics.converged ? 'converged' : 'did not converge'} in ${formatCount(metrics.iterations)} iterations`],
  ];
  return (
    <dl className="facts">
      {facts.map(([term, value, hint]) => (
        <div key={term} title={hint}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function PerClassTable({ names, shown }: { names: string[]; shown: Metrics }) {
  return (
    <div className="table-wrap per-class">
      <table className="table">
        <caption className="visually-hidden">Precision, recall, F1 and support per label</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col" className="numeric" title="Of the samples it called this label, the share that were">
              Precision
            </th>
            <th scope="col" className="numeric" title="Of the samples with this label, the share it found">
              Recall
            </th>
            <th scope="col" className="numeric">F1</th>
            <th scope="col" className="hide-small">
              <span className="visually-hidden">F1 bar</span>
            </th>
            <th scope="col" className="numeric" title="Samples with this label that were evaluated">
              Support
            </th>
          </tr>
        </thead>
        <tbody>
          {shown.perClass.map((c, i) => (
            <tr key={i}>
              <td>{names[i] ?? `Class ${i + 1}`}</td>
              <td className="numeric">{formatPercent(c.precision, 1)}</td>
              <td className="numeric">{formatPercent(c.recall, 1)}</td>
              <td className="numeric">{formatPercent(c.f1, 1)}</td>
              <td className="hide-small table__bar">
                <ProgressBar value={Math.round((c.f1 ?? 0) * 100)} max={100} label={`F1 of ${names[i] ?? `class ${i + 1}`}`} />
              </td>
              <td className="numeric">{formatCount(c.support)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
