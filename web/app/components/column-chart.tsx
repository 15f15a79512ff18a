import { useId } from 'react';
import { scaleLinear } from '../utils/chart.ts';
import { formatCount } from '../utils/format.ts';
import { countTicks } from '../utils/team.ts';

export interface Column {
  key: string | number;
  /** Tick text under the column; null leaves it unlabeled (dense time axes). */
  tick: string | null;
  value: number;
  /** A part of the value drawn on top in the second tone (abstentions of the predictions). */
  part?: number;
  /** The column's tooltip. */
  note: string;
}

interface Props {
  title: string;
  /** A sentence for screen readers: what the columns add up to. */
  summary: string;
  columns: Column[];
  /** Legend names; the part's appears only when some column has one. */
  valueName: string;
  partName?: string;
  size?: 'wide' | 'half';
  /** Ticks under the middle of each column (time slots), or on its left edge with `end` closing the axis (bins). */
  ticksAt?: 'middle' | 'edges';
  end?: string;
  testId?: string;
}

const frames = {
  wide: { width: 1040, height: 220, left: 40, right: 8, top: 12, bottom: 28 },
  half: { width: 400, height: 190, left: 36, right: 14, top: 10, bottom: 26 },
};

/** Counts as columns on whole-number ticks (plain SVG, on the scales of the other charts). */
export function ColumnChart({ title, summary, columns, valueName, partName, size = 'wide', ticksAt = 'middle', end, testId }: Props) {
  const id = useId();
  const f = frames[size];
  const ticks = countTicks(Math.max(0, ...columns.map((c) => c.value)));
  const sy = scaleLinear([0, ticks[ticks.length - 1]!], [f.height - f.bottom, f.top]);
  const slot = (f.width - f.left - f.right) / Math.max(1, columns.length);
  // Thin columns (a week of hours) need no gap; a few wide ones look better apart.
  const gap = slot > 8 ? slot * 0.15 : 0.5;
  const hasPart = columns.some((c) => (c.part ?? 0) > 0);
  return (
    <figure className={`chart column-chart column-chart--${size}`} data-testid={testId}>
      <svg viewBox={`0 0 ${f.width} ${f.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart__svg">
        <title id={`${id}-title`}>{title}</title>
        <desc id={`${id}-desc`}>{summary}</desc>
        {ticks.map((t) => (
          <g key={t} className="chart__grid">
            <line x1={f.left} x2={f.width - f.right} y1={sy(t)} y2={sy(t)} />
            <text x={f.left - 6} y={sy(t)} dy="0.32em" textAnchor="end">
              {formatCount(t)}
            </text>
          </g>
        ))}
        {columns.map((c, i) => {
          const x = f.left + i * slot + gap / 2;
          const width = Math.max(0.5, slot - gap);
          const part = Math.min(c.part ?? 0, c.value);
          return (
            <g key={c.key}>
              {c.value > 0 ? (
                <rect className="column-chart__bar" x={x} width={width} y={sy(c.value)} height={sy(0) - sy(c.value)} rx={slot > 8 ? 2 : 0}>
                  <title suppressHydrationWarning>{c.note}</title>
                </rect>
              ) : null}
              {part > 0 ? (
                <rect className="column-chart__part" x={x} width={width} y={sy(part)} height={sy(0) - sy(part)}>
                  <title suppressHydrationWarning>{c.note}</title>
                </rect>
              ) : null}
              {c.tick !== null ? (
                // Times are shown in the viewer's zone, which the server can't know.
                <text className="chart__tick" x={ticksAt === 'edges' ? x - gap / 2 : x + width / 2} y={f.height - f.bottom + 16} textAnchor="middle" suppressHydrationWarning>
                  {c.tick}
                </text>
              ) : null}
            </g>
          );
        })}
        {end !== undefined ? (
          <text className="chart__tick" x={f.width - f.right} y={f.height - f.bottom + 16} textAnchor="middle">
            {end}
          </text>
        ) : null}
      </svg>
      <figcaption className="chart__legend">
        <span className="chart__key column-chart__key">{valueName}</span>
        {hasPart && partName ? <span className="chart__key column-chart__key column-chart__key--part">{partName}</span> : null}
      </figcaption>
    </figure>
  );
}
