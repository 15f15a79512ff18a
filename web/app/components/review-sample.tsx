import type { Disagreement } from '../utils/review-queue.ts';

/** A sample as reviewers see it: its text (long ones scroll) or its image. */
export function ReviewSample({ sample }: { sample: Disagreement['sample'] }) {
  if (sample.imageUrl) {
    return <img src={sample.imageUrl} alt={`Sample ${sample.id}`} className="review-sample__image" loading="lazy" />;
  }
  return (
    <div className="review-sample__text" data-testid="review-sample-text">
      {sample.text ?? ''}
    </div>
  );
}
