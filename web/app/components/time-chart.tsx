import { useId } from 'react';
import { evenTicks, linePath, scaleLinear, type ChartPoint } from '../utils/chart.ts';

export interface TimeSeries {
  name: string;
  /** Colour and dash, from api.css: the accent for the headline line, warm and danger for tails. */
  tone: 'accent' | 'warm' | 'danger';
  points: ChartPoint[];
}

interface Props {
  /** Read by screen readers and shown as the tooltip of the whole chart. */
  title: string;
  summary: string;
  series: TimeSeries[];
  /** The window shown, so a quiet start reads as quiet rather than being cropped away. */
  window: [number, number];
  yTicks: number[];
  formatY: (y: number) => string;
  formatTime: (ms: number) => string;
  testId?: string;
}

// Sized for half a page, so its text matches the page's at common widths.
const frame = { width: 400, height: 190, left: 50, right: 14, top: 10, bottom: 24, xTicks: 3 };

/** Values per hour over the page's time window, as plain SVG lines with dots and a legend. */
export function TimeChart({ title, summary, series, window, yTicks, formatY, formatTime, testId }: Props) {
  const id = useId();
  const sx = scaleLinear(window, [frame.left, frame.width - frame.right]);
  const sy = scaleLinear([yTicks[0]!, yTicks[yTicks.length - 1]!], [frame.height - frame.bottom, frame.top]);
  const bottom = frame.height - frame.bottom;
  return (
    <figure className="chart time-chart" data-testid={testId}>
      <svg viewBox={`0 0 ${frame.width} ${frame.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart__svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {yTicks.map((t) => (
          <g key={t} className="chart__grid">
            <line x1={frame.left} x2={frame.width - frame.right} y1={sy(t)} y2={sy(t)} />
            <text x={frame.left - 6} y={sy(t)} dy="0.32em" textAnchor="end">
              {formatY(t)}
            </text>
          </g>
        ))}
        {evenTicks(window, frame.xTicks).map((x, i, all) => (
          // Times are shown in the viewer's zone, which the server can't know.
          <text key={x} className="chart__tick" x={sx(x)} y={bottom + 17} textAnchor={i === 0 ? 'start' : i === all.length - 1 ? 'end' : 'middle'} suppressHydrationWarning>
            {formatTime(x)}
          </text>
        ))}
        {series.map((s) => (
          <g key={s.name} className={`chart__series time-chart__${s.tone}`}>
            <path d={linePath(s.points, sx, sy)} fill="none" />
            {s.points.map((p) => (
              <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={3}>
                <title suppressHydrationWarning>{`${s.name}: ${p.note}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption className="chart__legend">
        {series.map((s) => (
          <span key={s.name} className={`chart__key time-chart__key--${s.tone}`}>
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
