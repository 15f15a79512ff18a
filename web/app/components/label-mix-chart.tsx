import { formatCount, formatPercent } from '../utils/format.ts';
import type { MonitoringOverview } from '../utils/monitoring.ts';

/**
 * Each label's share of production predictions next to its share of the labeled (training)
 * samples, as paired bars on one 0–100% scale: a label the model predicts far more or less often
 * than people labeled it stands out.
 */
export function LabelMixChart({ mix }: { mix: MonitoringOverview['labelMix'] }) {
  const largest = Math.max(0.01, ...mix.flatMap((m) => [m.productionShare, m.trainingShare]));
  const width = (share: number) => `${(share / largest) * 100}%`;
  return (
    <figure className="chart label-mix">
      <ul className="label-mix__rows" aria-label="Share of each label in production and in training">
        {mix.map((m) => (
          <li key={m.labelId} className="label-mix__row" data-testid={`mix-${m.name}`}>
            <span className="label-mix__name" title={m.name}>
              {m.name}
            </span>
            <span className="label-mix__bars">
              <span className="label-mix__pair">
                <span className="label-mix__track" aria-hidden="true">
                  <span className="label-mix__bar" style={{ width: width(m.productionShare) }} />
                </span>
                <span className="label-mix__value">
                  <span className="visually-hidden">Production: </span>
                  {formatPercent(m.productionShare)}
                  <span className="muted" data-testid="mix-production-count">
                    {' '}
                    · {formatCount(m.production)}
                  </span>
                </span>
              </span>
              <span className="label-mix__pair">
                <span className="label-mix__track" aria-hidden="true">
                  <span className="label-mix__bar label-mix__bar--training" style={{ width: width(m.trainingShare) }} />
                </span>
                <span className="label-mix__value">
                  <span className="visually-hidden">Training: </span>
                  {formatPercent(m.trainingShare)}
                  <span className="muted" data-testid="mix-training-count">
                    {' '}
                    · {formatCount(m.training)}
                  </span>
                </span>
              </span>
            </span>
          </li>
        ))}
      </ul>
      <figcaption className="chart__legend">
        <span className="chart__key label-mix__key">production predictions</span>
        <span className="chart__key label-mix__key label-mix__key--training">labeled samples (training)</span>
      </figcaption>
    </figure>
  );
}
