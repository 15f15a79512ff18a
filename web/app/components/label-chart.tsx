import { formatCount, percentOf } from '../utils/format.ts';

interface Props {
  labels: { id: number; name: string; shortcut: string | null }[];
  counts: { labelId: number; count: number }[];
}

/** Resolved samples per label as horizontal bars, scaled to the largest label (plain CSS, no chart library). */
export function LabelChart({ labels, counts }: Props) {
  const byLabel = new Map(counts.map((c) => [c.labelId, c.count]));
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const largest = Math.max(1, ...counts.map((c) => c.count));
  return (
    <ul className="bar-chart" aria-label="Resolved samples per label">
      {labels.map((label) => {
        const count = byLabel.get(label.id) ?? 0;
        return (
          <li key={label.id} className="bar-chart__row" data-label-id={label.id}>
            <span className="bar-chart__name">{label.name}</span>
            <span className="bar-chart__track" aria-hidden="true">
              <span className="bar-chart__bar" style={{ width: `${(count / largest) * 100}%` }} />
            </span>
            <span className="bar-chart__value">
              <span data-testid={`label-count-${label.id}`}>{formatCount(count)}</span>
              <span className="muted"> · {percentOf(count, total)}%</span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
