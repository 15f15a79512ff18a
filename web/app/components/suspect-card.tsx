import { formatPercent } from '../utils/format.ts';
import { labelNameOf } from '../utils/review-events.ts';
import type { Suspect } from '../utils/review-queue.ts';
import { ReviewSample } from './review-sample.tsx';
import { NEAREST_SHOWN, SuspectNeighbours } from './suspect-neighbours.tsx';

interface Props {
  projectId: number;
  item: Suspect;
  labels: { id: number; name: string }[];
  busy: boolean;
  /** Among every ranked label, mark the ones the model flags as likely wrong. */
  markFlagged?: boolean;
  onDecide: (decision: 'accept' | 'dismiss') => void;
}

/** A label the model doubts: what it is, what the model would say instead, and why it doubts it. */
export function SuspectCard({ projectId, item, labels, busy, markFlagged = false, onDecide }: Props) {
  const given = labelNameOf(labels, item.labelId);
  const suggested = labelNameOf(labels, item.suggestedLabelId);
  return (
    <article className="panel review-card" aria-label={`Sample ${item.sampleId}`} aria-busy={busy} data-testid="suspect" data-sample-id={item.sampleId}>
      <p className="eyebrow">
        Sample #{item.sampleId}
        {markFlagged && item.flagged ? (
          <>
            {' '}
            <span className="badge" data-testid="suspect-flagged">
              Flagged
            </span>
          </>
        ) : null}
      </p>
      <ReviewSample sample={item.sample} />
      <p className="review-card__change">
        Labeled <strong>{given}</strong>
        <span aria-hidden="true"> → </span>
        <span className="visually-hidden">; the model suggests </span>
        <strong>{suggested}</strong>
      </p>
      <dl className="facts review-card__facts">
        <div>
          <dt>How suspicious</dt>
          <dd>{formatPercent(item.score)}</dd>
        </div>
        <div>
          <dt>Model's confidence in “{given}”</dt>
          <dd>{formatPercent(item.selfConfidence)}</dd>
        </div>
        <div>
          <dt>
            Its {NEAREST_SHOWN} nearest labeled samples also labeled “{given}”
          </dt>
          <dd>{formatPercent(item.neighborAgreement)}</dd>
        </div>
      </dl>
      <SuspectNeighbours projectId={projectId} sampleId={item.sampleId} labels={labels} />
      <div className="actions">
        <button type="button" className="button button--primary" disabled={busy} onClick={() => onDecide('accept')}>
          Accept: relabel as {suggested}
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => onDecide('dismiss')}>
          Dismiss: {given} is right
        </button>
      </div>
    </article>
  );
}
