import type { ChartSeries } from '../utils/chart.ts';
import { formatCount, formatPercent, pluralize } from '../utils/format.ts';
import type { ModelVersionSummary } from '../utils/models.ts';
import { MetricChart } from './metric-chart.tsx';

type Figure = 'accuracy' | 'macroF1';

const figures: { key: Figure; name: string; tone: ChartSeries['tone'] }[] = [
  { key: 'accuracy', name: 'Accuracy', tone: 'accent' },
  { key: 'macroF1', name: 'Macro-F1', tone: 'muted' },
];

/** Each figure as a series over `x`; versions without that figure are left out, not drawn at 0. */
function buildSeries(versions: ModelVersionSummary[], x: (v: ModelVersionSummary) => number, describeX: (v: ModelVersionSummary) => string): ChartSeries[] {
  return figures.map(({ key, name, tone }) => ({
    name,
    tone,
    points: versions.flatMap((v) => {
      const y = v[key];
      if (y === null) return [];
      const band = key === 'accuracy' && v.accuracyLow !== null && v.accuracyHigh !== null ? { low: v.accuracyLow, high: v.accuracyHigh } : {};
      const interval = 'low' in band ? ` (95% interval ${formatPercent(band.low)}–${formatPercent(band.high)}, ${pluralize(v.checkCount, 'check sample')})` : '';
      return [{ x: x(v), y, note: `v${v.version}, ${describeX(v)}: ${formatPercent(y)}${interval}`, highlight: v.status === 'active', ...band }];
    }),
  }));
}

function formatTime(ms: number): string {
  return new Date(ms).toLocaleString('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });
}

function summarise(versions: ModelVersionSummary[]): string {
  const newest = versions[0];
  if (!newest) return 'No versions yet.';
  if (newest.accuracy === null) return `${pluralize(versions.length, 'version')}; the newest, v${newest.version}, with ${pluralize(newest.labelCount, 'label')}, has no random check samples to measure it on yet.`;
  return `${pluralize(versions.length, 'version')}; the newest, v${newest.version}, has ${formatPercent(newest.accuracy)} accuracy (95% interval ${formatPercent(newest.accuracyLow)}–${formatPercent(newest.accuracyHigh)} on ${pluralize(newest.checkCount, 'random check sample')}) and ${formatPercent(newest.macroF1)} macro-F1 with ${pluralize(newest.labelCount, 'label')}.`;
}

/** How accuracy and macro-F1 grew with labels (large) and over time (small). */
export function ModelCharts({ versions }: { versions: ModelVersionSummary[] }) {
  const byLabels = buildSeries(versions, (v) => v.labelCount, (v) => pluralize(v.labelCount, 'label'));
  const byTime = buildSeries(versions, (v) => Date.parse(v.createdAt), (v) => formatTime(Date.parse(v.createdAt)));
  const summary = summarise(versions);
  return (
    <div className="model-charts">
      <section className="panel" aria-labelledby="chart-labels-heading">
        <h2 id="chart-labels-heading">Accuracy as labels grow</h2>
        <p className="muted small">Measured on random check samples from your data, by a model that did not train on them; the band is the 95% interval.</p>
        <MetricChart
          title="Accuracy and macro-F1 by number of labels"
          summary={summary}
          series={byLabels}
          xTitle="labels"
          formatX={formatCount}
          wholeX
          testId="accuracy-chart"
        />
      </section>
      <section className="panel" aria-labelledby="chart-time-heading">
        <h2 id="chart-time-heading">Over time</h2>
        <MetricChart title="Accuracy and macro-F1 over time" summary={summary} series={byTime} xTitle="trained at" formatX={formatTime} size="small" />
      </section>
    </div>
  );
}
