import { Link } from '@remix-run/react';
import { formatPercent, pluralize } from '../utils/format.ts';
import type { ModelVersionSummary } from '../utils/models.ts';

interface Props {
  projectId: number;
  live: Pick<ModelVersionSummary, 'version' | 'accuracy' | 'labelCount'> & Partial<Pick<ModelVersionSummary, 'accuracyLow' | 'accuracyHigh'>> | null;
  training: boolean;
}

/** "Live model: v3 · 87% accuracy · 120 labels", linking to the models page. */
export function LiveModelSummary({ projectId, live, training }: Props) {
  return (
    <p className="live-model">
      <Link to={`/projects/${projectId}/models`} className="live-model__link">
        {live ? (
          <>
            Live model: v<span data-testid="live-version">{live.version}</span> · {live.accuracy === null ? 'accuracy not measured yet (no random check samples labeled)' : `${formatPercent(live.accuracy)} accuracy${typeof live.accuracyLow === 'number' && typeof live.accuracyHigh === 'number' ? ` (${formatPercent(live.accuracyLow)}–${formatPercent(live.accuracyHigh)})` : ''}`} ·{' '}
            {pluralize(live.labelCount, 'label')}
          </>
        ) : (
          'No model yet — label a few examples of at least two labels.'
        )}
      </Link>
      {training ? (
        <span className="live-model__training">
          <span className="spinner" aria-hidden="true" /> Training…
        </span>
      ) : null}
    </p>
  );
}
