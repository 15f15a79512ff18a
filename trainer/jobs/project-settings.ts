import { z } from 'zod';

export const STRATEGIES = ['random', 'least-confidence', 'margin', 'entropy', 'diverse-margin'] as const;

/**
 * A project's learning settings (stored in `project.settings`). Every field has a default, so an
 * empty object is valid and old projects gain new settings without a migration.
 */
export const ProjectSettings = z.object({
  /** How the labeling queue is ordered once a model exists (before that: diversity sampling). */
  strategy: z.enum(STRATEGIES).default('diverse-margin'),
  /** Train as soon as this many new labels have arrived since the last version… */
  trainEveryLabels: z.number().int().min(1).max(100_000).default(10),
  /** …or this many seconds after the first new label, whichever comes first. */
  trainAfterSeconds: z.number().int().min(1).max(86_400).default(30),
  headKind: z.enum(['softmax', 'mlp']).default('softmax'),
  /** Show the model's guess in the labeling view (hide it to avoid anchoring annotators). */
  showModelGuess: z.boolean().default(true),
  /**
   * Every this-many-th place in the labeling queue holds a random check sample: drawn uniformly at
   * random from the pool, shown without the model's guess, and never trained on by the model whose
   * accuracy it measures. They make the evaluation slice, what every accuracy figure is measured on.
   * Null turns them off (then only cross-validation on the queue's picks is shown).
   */
  checkEvery: z.number().int().min(2).max(100).nullable().default(10),
  /** How many annotators label each sample before it is resolved (agreement) or goes to review. */
  overlap: z.number().int().min(1).max(5).default(1),
  /** An annotator's hold on the sample in front of them lapses after this long without a label. */
  leaseSeconds: z.number().int().min(30).max(86_400).default(600),
  /** Classes with fewer resolved samples than this count as rare (highlighted, and mined for candidates). */
  rareClassThreshold: z.number().int().min(1).max(100_000).default(10),
  /**
   * Production feedback: prediction API inputs the live model is less sure about than this go into
   * the labeling pool as new samples (source "production"); null = off.
   */
  feedbackBelowConfidence: z.number().min(0).max(1).nullable().default(null),
  /** While the latest drift check says production has drifted, every production input joins the pool. */
  feedbackWhenDrifted: z.boolean().default(false),
});
export type ProjectSettings = z.infer<typeof ProjectSettings>;

/** Settings from the stored JSON; unknown or invalid stored values fall back to defaults. */
export function readProjectSettings(stored: unknown): ProjectSettings {
  const parsed = ProjectSettings.safeParse(stored ?? {});
  if (parsed.success) return parsed.data;
  const fields = Object.fromEntries(
    Object.entries((stored as Record<string, unknown>) ?? {}).filter(([key, value]) => {
      const shape = ProjectSettings.shape[key as keyof typeof ProjectSettings.shape];
      return shape ? shape.safeParse(value).success : false;
    }),
  );
  return ProjectSettings.parse(fields);
}
