/**
 * What an import's labels and annotations become (pure): the annotations to insert and each new
 * sample's resolution. The import service loads the members and labels and stores the plan.
 */
import { resolveByAgreement } from '#db/annotations.ts';
import type { ImportedAnnotationRow, ImportedResolutionRow } from '#db/imported-annotations.ts';
import type { SampleDraft } from './import.schema.ts';

export interface ImportedLabelPlan {
  annotations: ImportedAnnotationRow[];
  resolutions: ImportedResolutionRow[];
  /** Annotations restored as their annotators' own (the rest, if any, are the importer's). */
  restored: number;
}

export interface ImportedLabelContext {
  /** Label name → id, for every name the drafts use (the parser checked them). */
  labelIdOf: ReadonlyMap<string, number>;
  /** Lowercased email → user id, for the project's members. */
  memberIdOf: ReadonlyMap<string, number>;
  importerId: number;
  overlap: number;
  /** The time of annotations the file gives none for. */
  now: Date;
}

/**
 * For each new sample: the file's annotations by project members are restored as theirs (label,
 * times, durationMs); others are left out, never attributed to someone else. The resolution is the
 * one the agreement rule gives those annotations, as if they had been made here; where the file
 * has a final label the rule does not give (a reviewer's decision, or annotators left out), that
 * label stands as a review by the importer, so training uses it and new annotations do not undo it.
 * A sample with a label but none of its annotators in the project gets the importer's annotation,
 * resolved `single` (or `review` with overlap above 1, where one annotation would not resolve it).
 */
export function planImportedLabels(samples: { sampleId: number; draft: Pick<SampleDraft, 'label' | 'annotations'> }[], context: ImportedLabelContext): ImportedLabelPlan {
  const plan: ImportedLabelPlan = { annotations: [], resolutions: [], restored: 0 };
  for (const { sampleId, draft } of samples) {
    const labelId = draft.label === undefined ? undefined : context.labelIdOf.get(draft.label)!;
    const restored = restoredAnnotations(sampleId, draft, context);
    if (restored.length === 0) {
      if (labelId === undefined) continue;
      const { importerId, overlap } = context;
      plan.annotations.push({ sampleId, userId: importerId, labelId, durationMs: 0 });
      plan.resolutions.push({ sampleId, labelId, method: overlap > 1 ? 'review' : 'single', resolvedBy: importerId });
      continue;
    }
    plan.annotations.push(...restored);
    plan.restored += restored.length;
    const byRule = resolveByAgreement(newestFirst(restored), context.overlap);
    if (labelId !== undefined && byRule?.labelId !== labelId) plan.resolutions.push({ sampleId, labelId, method: 'review', resolvedBy: context.importerId });
    else if (byRule) plan.resolutions.push({ sampleId, ...byRule });
  }
  return plan;
}

function restoredAnnotations(sampleId: number, draft: Pick<SampleDraft, 'annotations'>, context: ImportedLabelContext): Required<ImportedAnnotationRow>[] {
  return (draft.annotations ?? []).flatMap((a) => {
    const userId = context.memberIdOf.get(a.annotator.toLowerCase());
    if (userId === undefined) return [];
    const createdAt = a.at === undefined ? undefined : new Date(a.at);
    const updatedAt = a.updatedAt === undefined ? createdAt : new Date(a.updatedAt);
    const { now } = context;
    return [{ sampleId, userId, labelId: context.labelIdOf.get(a.label)!, durationMs: a.durationMs ?? 0, createdAt: createdAt ?? now, updatedAt: updatedAt ?? now }];
  });
}

/** Most recently changed first, as the rule wants; on a tie the later in the file (the export lists oldest first). */
function newestFirst(annotations: Required<ImportedAnnotationRow>[]) {
  return annotations
    .map((a, index) => ({ a, index }))
    .sort((x, y) => y.a.updatedAt.getTime() - x.a.updatedAt.getTime() || y.index - x.index)
    .map(({ a }) => ({ labelId: a.labelId, userId: a.userId }));
}
