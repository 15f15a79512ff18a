import { formatCount } from '../utils/format.ts';
import { ProgressBar } from './progress-bar.tsx';

interface Props {
  total: number;
  embedded: number;
  /** Embedding is blocked (see LearningBlocked), so the count isn't moving. */
  paused?: boolean;
}

/** How many samples the encoder has turned into vectors; the model can only learn from those. */
export function EmbedProgress({ total, embedded, paused = false }: Props) {
  if (total === 0) return null;
  const done = embedded >= total;
  const what = done ? 'Samples ready for the model' : paused ? 'Samples prepared for the model (paused)' : 'Preparing samples for the model';
  return (
    <div className="embed-progress" data-testid="embed-progress" data-done={done}>
      <p className="embed-progress__text">
        {what}: {formatCount(Math.min(embedded, total))} / {formatCount(total)}
      </p>
      <ProgressBar value={Math.min(embedded, total)} max={total} label="Samples prepared for the model" />
    </div>
  );
}

/** Why no model can learn in this project yet (the image model is missing, say), and what that means. */
export function LearningBlocked({ reason, dataType }: { reason: string; dataType: 'text' | 'image' }) {
  return (
    <div className="callout callout--warning" role="alert" data-testid="learning-blocked">
      <p>
        <strong>{dataType === 'image' ? 'The image model is not available.' : 'Samples cannot be prepared for the model.'}</strong> Labeling works, but no model
        will train or order the queue until this is fixed: {reason}
      </p>
    </div>
  );
}
