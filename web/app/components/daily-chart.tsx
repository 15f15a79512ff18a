import { useEffect, useId, useRef } from 'react';
import { scaleLinear } from '../utils/chart.ts';
import { formatCount, pluralize } from '../utils/format.ts';
import { countTicks, type TeamDay } from '../utils/team.ts';

// About the width of a full-width panel, so the text stays near its stylesheet size.
const frame = { width: 1040, height: 220, left: 36, right: 8, top: 12, bottom: 28 };
// Days are UTC dates on the server; formatting them in UTC keeps server and browser in step.
const dayFormat = new Intl.DateTimeFormat('en', { month: 'short', day: 'numeric', timeZone: 'UTC' });

function dayLabel(day: string): string {
  return dayFormat.format(new Date(`${day}T00:00:00Z`));
}

function describe(d: TeamDay): string {
  const who = d.people.map((p) => `${p.name} ${formatCount(p.count)}`).join(', ');
  return `${dayLabel(d.day)}: ${pluralize(d.total, 'annotation')}${who ? ` (${who})` : ''}`;
}

/** The team's annotations per day as columns (plain SVG, on the scales of the other charts). */
export function DailyChart({ days }: { days: TeamDay[] }) {
  const id = useId();
  const ticks = countTicks(Math.max(0, ...days.map((d) => d.total)));
  const sy = scaleLinear([0, ticks[ticks.length - 1]!], [frame.height - frame.bottom, frame.top]);
  const slot = (frame.width - frame.left - frame.right) / Math.max(1, days.length);
  const total = days.reduce((sum, d) => sum + d.total, 0);
  // Where the chart scrolls sideways (a phone), start at its right end: the latest days.
  const figure = useRef<HTMLElement>(null);
  const latest = days[days.length - 1]?.day;
  useEffect(() => {
    if (figure.current) figure.current.scrollLeft = figure.current.scrollWidth;
  }, [latest]);
  return (
    <figure className="chart chart--large daily-chart" data-testid="daily-chart" ref={figure}>
      <svg viewBox={`0 0 ${frame.width} ${frame.height}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="chart__svg">
        <title id={`${id}-title`}>Annotations per day</title>
        <desc id={`${id}-desc`}>{`${pluralize(total, 'annotation')} over the last ${days.length} days. ${days.map(describe).join('. ')}`}</desc>
        {ticks.map((t) => (
          <g key={t} className="chart__grid">
            <line x1={frame.left} x2={frame.width - frame.right} y1={sy(t)} y2={sy(t)} />
            <text x={frame.left - 6} y={sy(t)} dy="0.32em" textAnchor="end">
              {formatCount(t)}
            </text>
          </g>
        ))}
        {days.map((d, i) => {
          const x = frame.left + i * slot;
          // Every other day is labeled, counting back from today so the latest always is.
          const labeled = (days.length - 1 - i) % 2 === 0;
          return (
            <g key={d.day}>
              <rect className="daily-chart__bar" x={x + slot * 0.15} width={slot * 0.7} y={sy(d.total)} height={sy(0) - sy(d.total)} rx={2}>
                <title>{describe(d)}</title>
              </rect>
              {labeled ? (
                <text className="chart__tick" x={x + slot / 2} y={frame.height - frame.bottom + 16} textAnchor="middle">
                  {dayLabel(d.day)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
