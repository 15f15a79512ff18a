import type { TrainingActivity } from '../utils/learning-events.ts';

/**
 * "Training…" while the trainer works, then what came of it. Only what this page has heard since it
 * opened: a run that started earlier shows up when it finishes.
 */
export function TrainingStatus({ activity, compact = false }: { activity: TrainingActivity; compact?: boolean }) {
  const { training, stage, outcome } = activity;
  return (
    <div className={`training-status${compact ? ' training-status--compact' : ''}`} role="status" aria-live="polite" data-testid="training-status">
      {training ? (
        <p className="training-status__line">
          <span className="spinner" aria-hidden="true" />
          <strong>Training…</strong>
          {stage ? <span className="muted"> {stage}</span> : null}
        </p>
      ) : null}
      {outcome && !(compact && training) ? (
        <p className={`training-status__line${outcome.tone === 'warning' ? ' is-warning' : ''}`} data-testid="training-outcome">
          {outcome.text}
        </p>
      ) : null}
    </div>
  );
}
