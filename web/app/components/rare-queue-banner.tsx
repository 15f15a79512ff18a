import { Link } from '@remix-run/react';
import { labelNameOf } from '../utils/review-events.ts';

interface Props {
  projectId: number;
  labels: { id: number; name: string }[];
  rareLabelId: number;
  /** The queue ran out: say so here, since "All done" below is about the main queue. */
  done: boolean;
}

/** Says that the labeling page shows one rare class's likely samples, and how to leave that queue. */
export function RareQueueBanner({ projectId, labels, rareLabelId, done }: Props) {
  return (
    <div className="callout callout--warning rare-queue" role="note" data-testid="rare-queue-banner">
      <p>
        <strong>Rare class queue: {labelNameOf(labels, rareLabelId)}</strong> — samples the model thinks may belong to it, most likely first.{' '}
        {done ? 'No more likely samples for it right now. ' : null}
        <Link to={`/projects/${projectId}/label`}>Back to the main queue</Link>
      </p>
    </div>
  );
}
