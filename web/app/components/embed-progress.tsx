import { formatCount, pluralize } from '../utils/format.ts';
import { ProgressBar } from './progress-bar.tsx';

interface Props {
  total: number;
  embedded: number;
  /** Samples set aside because their image could not be read; they never get a vector. */
  failed?: number;
  /** The first few of those, by name. */
  unreadable?: { sampleId: number; name: string | null }[];
  /** Embedding is blocked (see LearningBlocked), so the count isn't moving. */
  paused?: boolean;
}

/** How many samples the encoder has turned into vectors; the model can only learn from those. */
export function EmbedProgress({ total, embedded, failed = 0, unreadable = [], paused = false }: Props) {
  if (total === 0) return null;
  // Samples that could not be read are as done as they will ever be.
  const processed = Math.min(embedded + failed, total);
  const done = processed >= total;
  const what = done ? 'Samples ready for the model' : paused ? 'Samples prepared for the model (paused)' : 'Preparing samples for the model';
  return (
    <div className="embed-progress" data-testid="embed-progress" data-done={done}>
      <p className="embed-progress__text">
        {what}: {formatCount(Math.min(embedded, total))} / {formatCount(total)}
      </p>
      <ProgressBar value={processed} max={total} label="Samples prepared for the model" />
      {failed > 0 ? <UnreadableImages failed={failed} unreadable={unreadable} /> : null}
    </div>
  );
}

function UnreadableImages({ failed, unreadable }: { failed: number; unreadable: { sampleId: number; name: string | null }[] }) {
  const names = unreadable.map((s) => s.name ?? `sample ${s.sampleId}`);
  const more = failed > names.length ? `, and ${formatCount(failed - names.length)} more` : '';
  return (
    <p className="warning-text small" data-testid="embed-unreadable">
      {pluralize(failed, 'image')} could not be read and {failed === 1 ? 'is' : 'are'} left out of the model
      {names.length > 0 ? `: ${names.join(', ')}${more}` : ''}.
    </p>
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
