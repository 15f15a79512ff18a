import { describe, expect, it } from 'vitest';
import { planImportedLabels, type ImportedLabelContext } from './imported-labels.ts';
import type { ImportedAnnotation } from './import.schema.ts';

const now = new Date('2026-05-01T00:00:00.000Z');
const IMPORTER = 1;
const ANN = 2;
const BO = 3;
const context = (overlap: number): ImportedLabelContext => ({
  labelIdOf: new Map([['a', 10], ['b', 20]]),
  memberIdOf: new Map([['ann@example.test', ANN], ['bo@example.test', BO]]),
  importerId: IMPORTER,
  overlap,
  now,
});
const by = (annotator: string, label: string, at: string, durationMs = 100): ImportedAnnotation => ({ annotator, label, at, updatedAt: at, durationMs });
const T1 = '2026-01-01T00:00:00.000Z';
const T2 = '2026-01-02T00:00:00.000Z';

describe('planImportedLabels', () => {
  it("restores members' annotations with their times and durations, and leaves non-members out", () => {
    const plan = planImportedLabels([{ sampleId: 7, draft: { label: 'a', annotations: [by('ann@example.test', 'a', T1, 1200), by('eve@elsewhere.test', 'b', T2)] } }], context(1));
    expect(plan.annotations).toEqual([{ sampleId: 7, userId: ANN, labelId: 10, durationMs: 1200, createdAt: new Date(T1), updatedAt: new Date(T1) }]);
    expect(plan.restored).toBe(1);
    // The rule gives the file's label: resolved as if Ann had labeled it here.
    expect(plan.resolutions).toEqual([{ sampleId: 7, labelId: 10, method: 'single', resolvedBy: ANN }]);
  });

  it('resolves by agreement when the restored annotations agree under the overlap', () => {
    const plan = planImportedLabels([{ sampleId: 1, draft: { label: 'b', annotations: [by('ann@example.test', 'b', T1), by('bo@example.test', 'b', T2)] } }], context(2));
    expect(plan.resolutions).toEqual([{ sampleId: 1, labelId: 20, method: 'agreement', resolvedBy: null }]);
  });

  it("keeps the file's final label as the importer's review where the rule would not give it", () => {
    const disagreement = { label: 'b', annotations: [by('ann@example.test', 'a', T1), by('bo@example.test', 'b', T2)] };
    const tooFew = { label: 'a', annotations: [by('ann@example.test', 'a', T1)] };
    const plan = planImportedLabels([{ sampleId: 1, draft: disagreement }, { sampleId: 2, draft: tooFew }], context(2));
    expect(plan.annotations).toHaveLength(3);
    expect(plan.resolutions).toEqual([
      { sampleId: 1, labelId: 20, method: 'review', resolvedBy: IMPORTER },
      { sampleId: 2, labelId: 10, method: 'review', resolvedBy: IMPORTER },
    ]);
    // With overlap 1 the latest annotation decides, unless another disagrees.
    const single = planImportedLabels([{ sampleId: 3, draft: { label: 'a', annotations: [by('ann@example.test', 'a', T1), by('bo@example.test', 'b', T2)] } }], context(1));
    expect(single.resolutions).toEqual([{ sampleId: 3, labelId: 10, method: 'review', resolvedBy: IMPORTER }]);
  });

  it('applies the rule to unlabeled rows: resolved when it says so, else left for more annotations or review', () => {
    const plan = planImportedLabels(
      [
        { sampleId: 1, draft: { annotations: [by('ann@example.test', 'a', T1)] } },
        { sampleId: 2, draft: { annotations: [by('ann@example.test', 'a', T1), by('bo@example.test', 'b', T2)] } },
      ],
      context(1),
    );
    expect(plan.resolutions).toEqual([{ sampleId: 1, labelId: 10, method: 'single', resolvedBy: ANN }]);
    expect(plan.restored).toBe(3);
  });

  it("falls back to the importer's annotation when no annotator is a member, as a plain label column does", () => {
    const drafts = [
      { sampleId: 1, draft: { label: 'a', annotations: [by('eve@elsewhere.test', 'a', T1)] } },
      { sampleId: 2, draft: { label: 'b' } },
      { sampleId: 3, draft: { annotations: [by('eve@elsewhere.test', 'a', T1)] } },
    ];
    for (const [overlap, method] of [[1, 'single'], [3, 'review']] as const) {
      const plan = planImportedLabels(drafts, context(overlap));
      expect(plan.annotations).toEqual([
        { sampleId: 1, userId: IMPORTER, labelId: 10, durationMs: 0 },
        { sampleId: 2, userId: IMPORTER, labelId: 20, durationMs: 0 },
      ]);
      expect(plan.resolutions.map((r) => [r.sampleId, r.method, r.resolvedBy])).toEqual([[1, method, IMPORTER], [2, method, IMPORTER]]);
      expect(plan.restored).toBe(0);
    }
  });

  it('takes the latest by update time (later in the file on a tie), and the import time when the file has none', () => {
    const plan = planImportedLabels(
      [{ sampleId: 1, draft: { annotations: [{ annotator: 'bo@example.test', label: 'b', at: T1, updatedAt: T2 }, { annotator: 'ann@example.test', label: 'b' }] } }],
      context(1),
    );
    expect(plan.annotations.map((a) => [a.userId, a.createdAt, a.updatedAt, a.durationMs])).toEqual([[BO, new Date(T1), new Date(T2), 0], [ANN, now, now, 0]]);
    expect(plan.resolutions).toEqual([{ sampleId: 1, labelId: 20, method: 'single', resolvedBy: ANN }]);
    const tie = planImportedLabels([{ sampleId: 1, draft: { annotations: [by('bo@example.test', 'a', T1), by('ann@example.test', 'a', T1)] } }], context(1));
    expect(tie.resolutions[0]!.resolvedBy).toBe(ANN);
  });
});
