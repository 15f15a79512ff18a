import { useId } from 'react';
import { bandPath, evenTicks, extentOf, linePath, scaleLinear, type ChartSeries } from '../utils/chart.ts';

interface Props {
  /** Read by screen readers and shown as the tooltip of the whole chart. */
  title: string;
  /** A one-sentence summary of what the lines show, for screen readers. */
  summary: string;
  series: ChartSeries[];
  xTitle: string;
  formatX: (x: number) => string;
  /** Label counts tick at whole numbers; times don't. */
  wholeX?: boolean;
  size?: 'large' | 'small';
  testId?: string;
}

const frames = {
  large: { width: 640, height: 260, left: 44, right: 22, top: 14, bottom: 40, xTicks: 6 },
  small: { width: 320, height: 170, left: 40, right: 34, top: 12, bottom: 38, xTicks: 3 },
};
const yTicks = [0, 0.25, 0.5, 0.75, 1];

/** X ticks with their text; versions minutes apart would otherwise repeat the same time. */
function xTicksOf(extent: [number, number], count: number, whole: boolean, formatX: (x: number) => string) {
  const ticks = evenTicks(extent, count, whole).map((x) => ({ x, text: formatX(x) }));
  return ticks.filter((tick, i) => i === 0 || tick.text !== ticks[i - 1]?.text);
}

/** Figures (0–100%) of each version against labels or time, as plain SVG lines with a legend. */
export function MetricChart({ title, summary, series, xTitle, formatX, wholeX = false, size = 'large', testId }: Props) {
  const id = useId();
  const f = frames[size];
  const extent = extentOf(series);
  const sx = scaleLinear(extent, [f.left, f.width - f.right]);
  const sy = scaleLinear([0, 1], [f.height - f.bottom, f.top]);
  const bottom = f.height - f.bottom;
  return (
    <figure className={`chart chart--${size}`} data-testid={testId}>
      <svg viewBox={`0 0 ${f.width} ${f.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart__svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {yTicks.map((t) => (
          <g key={t} className="chart__grid">
            <line x1={f.left} x2={f.width - f.right} y1={sy(t)} y2={sy(t)} />
            <text x={f.left - 6} y={sy(t)} dy="0.32em" textAnchor="end">
              {`${t * 100}%`}
            </text>
          </g>
        ))}
        {xTicksOf(extent, f.xTicks, wholeX, formatX).map(({ x, text }) => (
          // Times are formatted in the viewer's zone, which the server can't know.
          <text key={x} className="chart__tick" x={sx(x)} y={bottom + 16} textAnchor="middle" suppressHydrationWarning>
            {text}
          </text>
        ))}
        <text className="chart__axis-title" x={(f.left + f.width - f.right) / 2} y={f.height - 4} textAnchor="middle">
          {xTitle}
        </text>
        {series.map((s) => (
          <g key={s.name} className={`chart__series chart__series--${s.tone}`}>
            {bandPath(s.points, sx, sy) ? <path className="chart__band" d={bandPath(s.points, sx, sy)} data-testid="chart-band" /> : null}
            <path d={linePath(s.points, sx, sy)} fill="none" />
            {s.points.map((p) => (
              <circle key={`${p.x}-${p.note}`} cx={sx(p.x)} cy={sy(p.y)} r={p.highlight ? 5.5 : 3.5} className={p.highlight ? 'is-live' : undefined}>
                <title suppressHydrationWarning>{`${s.name}: ${p.note}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="chart__legend">
        {series.map((s) => (
          <span key={s.name} className={`chart__key chart__key--${s.tone}`}>
            {s.name}
          </span>
        ))}
        {series.some((s) => s.points.some((p) => p.low !== undefined)) ? <span className="chart__key chart__key--band">95% interval</span> : null}
        {series.some((s) => s.points.some((p) => p.highlight)) ? <span className="chart__key chart__key--live">live version</span> : null}
      </figcaption>
    </figure>
  );
}
