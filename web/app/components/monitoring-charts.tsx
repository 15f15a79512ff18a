import type { ChartPoint } from '../utils/chart.ts';
import { formatCount, formatPercent, pluralize } from '../utils/format.ts';
import { confidenceBins, formatMs, trafficSlots, type MonitoringOverview, type TrafficHour } from '../utils/monitoring.ts';
import { countTicks } from '../utils/team.ts';
import { ColumnChart } from './column-chart.tsx';
import { LabelMixChart } from './label-mix-chart.tsx';
import { TimeChart } from './time-chart.tsx';

const hourFormat = new Intl.DateTimeFormat('en', { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric' });
const fullFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

/** One point per hour with traffic, its tooltip saying when and how much. */
function pointsOf(traffic: TrafficHour[], value: (t: TrafficHour) => number, format: (v: number) => string): ChartPoint[] {
  return traffic.map((t) => ({ x: new Date(t.hour).getTime(), y: value(t), note: `${fullFormat.format(new Date(t.hour))}, ${format(value(t))}` }));
}

/** Traffic, latency, confidence and label mix of the window's predictions. */
export function MonitoringCharts({ overview, now }: { overview: MonitoringOverview; now: string }) {
  const { traffic, summary } = overview;
  const { slots, slotHours } = trafficSlots(traffic, overview.days, new Date(now));
  const short = (ms: number) => (overview.days <= 1 ? hourFormat : dayFormat).format(ms);
  const per = slotHours === 24 ? 'day' : 'hour';
  // About seven labeled columns, counted back from the latest so it always has one.
  const every = Math.max(1, Math.round(slots.length / 7));
  const columns = slots.map((s, i) => ({
    key: s.start,
    tick: (slots.length - 1 - i) % every === 0 ? short(s.start) : null,
    value: s.count,
    part: s.abstained,
    note: `${slotHours === 24 ? dayFormat.format(s.start) : fullFormat.format(s.start)}: ${pluralize(s.count, 'prediction')}, ${formatCount(s.abstained)} abstained`,
  }));
  const trafficChart = {
    title: `Predictions per ${per}`,
    summary: `${pluralize(summary.count, 'prediction')} in the last ${pluralize(overview.days, 'day')}, ${formatCount(slots.reduce((s, x) => s + x.abstained, 0))} of them abstained.`,
    columns,
    valueName: 'predictions',
    partName: "abstained (below the caller's ?threshold=)",
  };
  const window: [number, number] = [slots[0]!.start, slots[slots.length - 1]!.start + slotHours * 3_600_000];
  const latest = traffic[traffic.length - 1];
  const bins = confidenceBins(summary.confidenceHistogram);
  return (
    <>
      <section className="panel" aria-labelledby="traffic-heading">
        <h2 id="traffic-heading">Predictions per {per}</h2>
        <div className="monitoring__wide-only">
          <ColumnChart {...trafficChart} testId="traffic-chart" />
        </div>
        <div className="monitoring__narrow-only">
          <ColumnChart {...trafficChart} size="half" />
        </div>
      </section>
      <div className="monitoring__grid">
        <section className="panel" aria-labelledby="latency-heading">
          <h2 id="latency-heading">Latency per input</h2>
          <TimeChart
            title="Latency percentiles per hour"
            summary={latest ? `Latest hour: p50 ${formatMs(latest.p50Ms)}, p95 ${formatMs(latest.p95Ms)}, p99 ${formatMs(latest.p99Ms)}.` : 'No predictions.'}
            series={[
              { name: 'p50', tone: 'accent', points: pointsOf(traffic, (t) => t.p50Ms, formatMs) },
              { name: 'p95', tone: 'warm', points: pointsOf(traffic, (t) => t.p95Ms, formatMs) },
              { name: 'p99', tone: 'danger', points: pointsOf(traffic, (t) => t.p99Ms, formatMs) },
            ]}
            window={window}
            yTicks={countTicks(Math.max(0, ...traffic.map((t) => t.p99Ms)))}
            formatY={(ms) => `${formatCount(ms)} ms`}
            formatTime={short}
            testId="latency-chart"
          />
        </section>
        <section className="panel" aria-labelledby="mean-confidence-heading">
          <h2 id="mean-confidence-heading">Mean confidence</h2>
          <TimeChart
            title="Mean confidence per hour"
            summary="The model's average confidence in its predictions, hour by hour. A falling line often means the inputs have changed."
            series={[{ name: 'mean confidence of the top label', tone: 'accent', points: pointsOf(traffic, (t) => t.meanConfidence, (c) => formatPercent(c)) }]}
            window={window}
            yTicks={[0, 0.25, 0.5, 0.75, 1]}
            formatY={(c) => formatPercent(c)}
            formatTime={short}
            testId="confidence-chart"
          />
        </section>
        <section className="panel" aria-labelledby="histogram-heading">
          <h2 id="histogram-heading">Confidence distribution</h2>
          <ColumnChart
            title="Predictions by confidence"
            summary={bins.map((b) => `${b.label}: ${formatCount(b.count)}`).join(', ')}
            columns={bins.map((b, i) => ({ key: b.label, tick: `${i * 10}%`, value: b.count, note: `${b.label} confidence: ${pluralize(b.count, 'prediction')}` }))}
            valueName="predictions per 10-point band of top-label confidence (0–10%, 10–20% …)"
            size="half"
            ticksAt="edges"
            end="100%"
            testId="confidence-histogram"
          />
        </section>
        <section className="panel" aria-labelledby="mix-heading">
          <h2 id="mix-heading">Label mix</h2>
          <LabelMixChart mix={overview.labelMix} />
        </section>
      </div>
    </>
  );
}
