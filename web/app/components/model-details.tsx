import { useId, useState } from 'react';
import { formatCount, formatPercent, pluralize } from '../utils/format.ts';
import { readVersionMetrics, type Metrics, type SliceEvaluation, type VersionMetrics } from '../utils/models.ts';
import { ConfusionMatrix } from './confusion-matrix.tsx';
import { ProgressBar } from './progress-bar.tsx';

interface Props {
  version: number;
  /** As the trainer stored them; checked before use. */
  metrics: unknown;
  labels: { id: number; name: string }[];
}

type Source = 'evaluation' | 'heldOut' | 'crossValidation';

/** "87.0% (95% interval 80.1–92.0%)" */
export function formatEstimate(e: { value: number; low: number; high: number }): string {
  return `${formatPercent(e.value, 1)} (95% interval ${formatPercent(e.low, 1)}–${formatPercent(e.high, 1)})`;
}

/** One version in depth: how it was fitted and evaluated, per-class figures and its confusion matrix. */
export function ModelDetails({ version, metrics: raw, labels }: Props) {
  const id = useId();
  const metrics = readVersionMetrics(raw);
  const [picked, setSource] = useState<Source>('evaluation');
  if (!metrics) return <p className="muted">The metrics of v{version} were stored in a form this page can't read.</p>;
  const sources: Source[] = [metrics.evaluationMetrics ? 'evaluation' : null, metrics.heldOut ? 'heldOut' : null, 'crossValidation'].filter((s): s is Source => s !== null);
  const source = sources.includes(picked) ? picked : sources[0]!;
  const shown = (source === 'evaluation' ? metrics.evaluationMetrics : source === 'heldOut' ? metrics.heldOut : metrics.crossValidation) ?? metrics.crossValidation;
  const evaluation = source === 'evaluation' ? (metrics.evaluation ?? null) : null;
  // Classes are indexed in the order of the version's labelIds, which may differ from today's label set.
  const names = metrics.labelIds.map((labelId) => labels.find((l) => l.id === labelId)?.name ?? `Deleted label #${labelId}`);
  const sourceName = (s: Source) =>
    s === 'evaluation'
      ? `Random check samples (${formatCount(metrics.evaluation?.n ?? 0)})`
      : s === 'heldOut'
        ? `Held-out labels (${formatCount(metrics.heldOut?.n ?? 0)})`
        : `Cross-validation (${formatCount(metrics.crossValidation.n)})`;
  return (
    <div className="stack">
      {sources.length > 1 ? (
        <fieldset className="segmented">
          <legend className="visually-hidden">Figures from</legend>
          {sources.map((s) => (
            <label key={s} className="segmented__option">
              <input type="radio" name={`${id}-source`} value={s} checked={source === s} onChange={() => setSource(s)} />
              {sourceName(s)}
            </label>
          ))}
        </fieldset>
      ) : null}
      <p className="muted small" data-testid="figures-source">
        {sourceExplanation(source, metrics)}
      </p>
      <TrainingFacts metrics={metrics} shown={shown} evaluation={evaluation} />
      <h3>Per label</h3>
      <PerClassTable names={names} shown={shown} evaluation={evaluation} />
      <h3>Confusion matrix</h3>
      <p className="muted small">Rows are the true label, columns what v{version} predicted; the diagonal is right.</p>
      <ConfusionMatrix names={names} confusion={shown.confusion} />
    </div>
  );
}

function sourceExplanation(source: Source, metrics: VersionMetrics): string {
  if (source === 'evaluation') {
    return `Measured on ${pluralize(metrics.evaluation?.n ?? 0, 'random check sample')}: drawn at random from your data and labeled through the queue, by a model trained on the other ${formatCount(metrics.numTrain)} labels. This is what to expect on data like yours; the live model also learned from the check samples, so it is likely a little better. Intervals are 95%.`;
  }
  if (source === 'heldOut') return 'Measured on a held-out share of the labels (an older version): those are the queue’s picks, the hard cases, so this understates accuracy on your data.';
  const none = metrics.trainedOnChecks
    ? 'This version had to train on the check samples (too few labels of some class without them), so it has no unbiased figure. '
    : (metrics.numChecks ?? 0) === 0 && metrics.evaluation === undefined
      ? ''
      : (metrics.numChecks ?? 0) === 0
        ? 'No random check samples are labeled yet, so there is no unbiased figure. '
        : '';
  return `${none}${metrics.folds}-fold cross-validation over ${pluralize(metrics.numLabels, 'labeled sample')}, most of them picked by the queue as hard cases: a second opinion that usually understates accuracy on your data.`;
}

function TrainingFacts({ metrics, shown, evaluation }: { metrics: VersionMetrics; shown: Metrics; evaluation: SliceEvaluation | null }) {
  const facts: [string, string, string?][] = [
    ['Accuracy', evaluation ? formatEstimate(evaluation.accuracy) : formatPercent(shown.accuracy, 1)],
    ['Macro-F1', evaluation ? formatEstimate(evaluation.macroF1) : formatPercent(shown.macroF1, 1)],
    ['Measured on', pluralize(shown.n, 'sample')],
    ['Calibration error (ECE)', formatPercent(shown.ece, 1), 'How far its confidence is from how often it is right; lower is better'],
    ['Evaluation model trained on', pluralize(metrics.numTrain, 'label'), 'Every label but the random check samples'],
    ['Random check samples', pluralize(metrics.numChecks ?? metrics.numHeldOut ?? 0, 'labeled sample'), 'Drawn at random from your data; never trained on by the model they measure'],
    ['Served model trained on', pluralize(metrics.numLabels, 'label'), 'Every label, check samples included'],
    ['Cross-validation', `${metrics.folds} folds`],
    [
      'L2 penalty',
      `${metrics.l2.toPrecision(2)}${metrics.l2Choice === 'reused' ? ' (kept from the last search)' : ''}`,
      'Regularization strength, chosen on a validation split; searched again once labels grow by a quarter',
    ],
    ['Optimizer', `${metrics.converged ? 'converged' : 'did not converge'} in ${formatCount(metrics.iterations)} iterations`],
  ];
  return (
    <dl className="facts" data-testid="model-facts">
      {facts.map(([term, value, hint]) => (
        <div key={term} title={hint}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function interval(e: { low: number; high: number } | null | undefined): string {
  return e ? `${formatPercent(e.low)}–${formatPercent(e.high)}` : '';
}

function PerClassTable({ names, shown, evaluation }: { names: string[]; shown: Metrics; evaluation: SliceEvaluation | null }) {
  return (
    <div className="table-wrap per-class">
      <table className="table">
        <caption className="visually-hidden">Precision, recall, F1 and support per label</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col" className="numeric" title="Of the samples it called this label, the share that were (95% interval below)">
              Precision
            </th>
            <th scope="col" className="numeric" title="Of the samples with this label, the share it found (95% interval below)">
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
              <td className="numeric">
                {formatPercent(c.precision, 1)}
                {evaluation?.perClass[i]?.precision ? <span className="table__sub">{interval(evaluation.perClass[i]!.precision)}</span> : null}
              </td>
              <td className="numeric">
                {formatPercent(c.recall, 1)}
                {evaluation?.perClass[i]?.recall ? <span className="table__sub">{interval(evaluation.perClass[i]!.recall)}</span> : null}
              </td>
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
