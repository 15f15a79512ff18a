import { formatDuration, formatPercent } from '../utils/format.ts';
import { labelNameOf } from '../utils/review-events.ts';
import type { Disagreement } from '../utils/review-queue.ts';
import { ReviewSample } from './review-sample.tsx';

interface Props {
  item: Disagreement;
  labels: { id: number; name: string; shortcut: string | null }[];
  busy: boolean;
  /** The first card answers to the label keys, so its keys are shown. */
  keyboard: boolean;
  onResolve: (labelId: number) => void;
}

/** Who chose each label, so the buttons can say it. */
function votersByLabel(annotations: Disagreement['annotations']): Map<number, string[]> {
  const voters = new Map<number, string[]>();
  for (const a of annotations) voters.set(a.labelId, [...(voters.get(a.labelId) ?? []), a.userName]);
  return voters;
}

/** One sample the annotators disagree on: every annotation, the model's guess, and a button per label. */
export function DisagreementCard({ item, labels, busy, keyboard, onResolve }: Props) {
  const { sample, annotations, model } = item;
  const voters = votersByLabel(annotations);
  return (
    <article className="panel review-card" aria-label={`Sample ${sample.id}`} aria-busy={busy} data-testid="disagreement" data-sample-id={sample.id}>
      <p className="eyebrow">Sample #{sample.id}</p>
      <ReviewSample sample={sample} />
      <div className="review-card__evidence">
        <ul className="review-card__annotations" aria-label="Annotations">
          {annotations.map((a) => (
            <li key={a.userId}>
              <span className="review-card__who">{a.userName}</span> chose <strong>{labelNameOf(labels, a.labelId)}</strong>
              <span className="muted"> in {formatDuration(a.durationMs)}</span>
            </li>
          ))}
        </ul>
        <p className="review-card__model">
          {model ? (
            <>
              Model's guess: <strong>{labelNameOf(labels, model.labelId)}</strong> <span className="muted">({formatPercent(model.confidence)} sure)</span>
            </>
          ) : (
            <span className="muted">The model has no guess for this sample yet.</span>
          )}
        </p>
      </div>
      <div className="review-card__labels" role="group" aria-label={`Final label for sample ${sample.id}`}>
        {labels.map((label) => (
          <button
            key={label.id}
            type="button"
            className="label-button"
            disabled={busy}
            aria-keyshortcuts={keyboard && label.shortcut ? label.shortcut : undefined}
            onClick={() => onResolve(label.id)}
          >
            {keyboard && label.shortcut ? <kbd>{label.shortcut}</kbd> : null}
            <span className="label-button__name">{label.name}</span>
            {voters.has(label.id) ? <span className="review-card__voters">{voters.get(label.id)!.join(', ')}</span> : null}
          </button>
        ))}
      </div>
      {keyboard ? <p className="small muted review-card__hint">Press a label's key to choose it for this sample.</p> : null}
    </article>
  );
}
