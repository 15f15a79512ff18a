import type { RouterOutputs } from './trpc.client.ts';

export type DisagreementList = RouterOutputs['review']['disagreements'];
export type Disagreement = DisagreementList['items'][number];
export type SuspectList = RouterOutputs['review']['suspects'];
export type Suspect = SuspectList['items'][number];

/** What the review page works through: disagreements and suspected mislabels. */
export interface ReviewQueue {
  disagreements: DisagreementList;
  suspects: SuspectList;
}

/**
 * The queue without `sampleId`, once it has a final label (here or in another reviewer's browser).
 * Counts drop only for items that were listed, so the same change arriving twice (our own click,
 * then its broadcast) counts once; the refetch that follows corrects anything beyond the list.
 */
export function withoutSample(queue: ReviewQueue, sampleId: number): ReviewQueue {
  const disagreement = queue.disagreements.items.some((d) => d.sample.id === sampleId);
  const suspect = queue.suspects.items.find((s) => s.sampleId === sampleId);
  if (!disagreement && !suspect) return queue;
  return {
    disagreements: disagreement
      ? { items: queue.disagreements.items.filter((d) => d.sample.id !== sampleId), total: Math.max(0, queue.disagreements.total - 1) }
      : queue.disagreements,
    suspects: suspect
      ? {
          ...queue.suspects,
          items: queue.suspects.items.filter((s) => s.sampleId !== sampleId),
          // `open` counts flagged suspects only.
          open: suspect.flagged ? Math.max(0, queue.suspects.open - 1) : queue.suspects.open,
        }
      : queue.suspects,
  };
}

/** "Reviewers accepted 3 of 4 suspects decided so far (75%)", or why there is no rate yet. */
export function describeHitRate(hitRate: SuspectList['hitRate']): string {
  if (hitRate.rate === null || hitRate.decided === 0) {
    return 'No decisions yet. Once reviewers accept or dismiss a few suspects, this shows how often the model was right to doubt a label.';
  }
  const percent = Math.round(hitRate.rate * 100);
  const noun = hitRate.decided === 1 ? 'suspect' : 'suspects';
  return `Reviewers accepted ${hitRate.accepted} of ${hitRate.decided} ${noun} decided so far (${percent}%).`;
}
