import { describe, expect, it } from 'vitest';
import { describeHitRate, withoutSample, type ReviewQueue } from './review-queue.ts';

const sample = (id: number) => ({ id, text: `text ${id}`, imageUrl: null });
const suspect = (sampleId: number, flagged: boolean) => ({
  sampleId,
  labelId: 1,
  suggestedLabelId: 2,
  score: 0.9,
  flagged,
  selfConfidence: 0.1,
  neighborAgreement: null,
  rank: sampleId,
  sample: sample(sampleId),
});

const queue: ReviewQueue = {
  disagreements: { items: [1, 2].map((id) => ({ sample: sample(id), annotations: [], model: null })), total: 5 },
  suspects: { items: [suspect(2, true), suspect(3, false)], open: 4, hitRate: { accepted: 0, decided: 0, rate: null } },
};

describe('review queue', () => {
  it('drops a resolved sample from both lists and their counts', () => {
    const next = withoutSample(queue, 2);
    expect(next.disagreements.items.map((d) => d.sample.id)).toEqual([1]);
    expect(next.disagreements.total).toBe(4);
    expect(next.suspects.items.map((s) => s.sampleId)).toEqual([3]);
    expect(next.suspects.open).toBe(3);
  });

  it('counts a change once, however often it arrives', () => {
    expect(withoutSample(withoutSample(queue, 1), 1).disagreements.total).toBe(4);
    expect(withoutSample(queue, 99)).toBe(queue);
  });

  it('leaves the flagged count alone for an unflagged suspect', () => {
    expect(withoutSample(queue, 3).suspects.open).toBe(4);
  });

  it('states the hit rate honestly', () => {
    expect(describeHitRate({ accepted: 0, decided: 0, rate: null })).toMatch(/^No decisions yet/);
    expect(describeHitRate({ accepted: 3, decided: 4, rate: 0.75 })).toBe('Reviewers accepted 3 of 4 suspects decided so far (75%).');
    expect(describeHitRate({ accepted: 1, decided: 1, rate: 1 })).toBe('Reviewers accepted 1 of 1 suspect decided so far (100%).');
  });
});
