import { z } from 'zod';
import type { RouterOutputs } from './trpc.client.ts';

export type ModelVersionSummary = RouterOutputs['models']['list']['versions'][number];
export type LearningStatus = RouterOutputs['models']['status'];
export type LearningSettings = LearningStatus['settings'];
export type Strategy = LearningSettings['strategy'];
export type HeadKind = LearningSettings['headKind'];

// Ratios with an empty denominator (a class never predicted) may reach us as null: JSON has no NaN.
const ratio = z.number().nullable();

const Metrics = z.object({
  accuracy: z.number(),
  macroF1: z.number(),
  perClass: z.array(z.object({ precision: ratio, recall: ratio, f1: ratio, support: z.number() })),
  confusion: z.array(z.array(z.number())),
  ece: ratio,
  n: z.number(),
});

const Estimate = z.object({ value: z.number(), low: z.number(), high: z.number(), n: z.number() });

/** The random check samples' figures with 95% intervals (trainer/ml/evaluation.ts). */
const SliceEvaluation = z.object({
  n: z.number(),
  accuracy: Estimate,
  macroF1: Estimate,
  perClass: z.array(z.object({ support: z.number(), predicted: z.number(), precision: Estimate.nullable(), recall: Estimate.nullable(), f1: z.number() })),
});

const VersionMetrics = z.object({
  evaluation: SliceEvaluation.nullable().optional(),
  evaluationMetrics: Metrics.nullable().optional(),
  // Versions trained before the evaluation slice measured on a held-out share of the queue's picks.
  heldOut: Metrics.nullable().optional(),
  crossValidation: Metrics,
  folds: z.number(),
  l2: z.number(),
  // Older trainers did not record how the L2 was chosen.
  l2Choice: z.enum(['searched', 'reused']).optional(),
  iterations: z.number(),
  converged: z.boolean(),
  numTrain: z.number(),
  numChecks: z.number().optional(),
  numHeldOut: z.number().optional(),
  trainedOnChecks: z.boolean().optional(),
  numLabels: z.number(),
  labelIds: z.array(z.number()),
});

export type Metrics = z.infer<typeof Metrics>;
export type SliceEvaluation = z.infer<typeof SliceEvaluation>;
export type VersionMetrics = z.infer<typeof VersionMetrics>;

/**
 * A version's stored metrics. The server sends them as the JSON the trainer wrote, typed only as
 * a record, so they are checked here; null means a shape this page doesn't know (an older trainer).
 */
export function readVersionMetrics(raw: unknown): VersionMetrics | null {
  const parsed = VersionMetrics.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** Why the version went live or didn't, as the trainer or the person who promoted it put it. */
export function describePromotion(version: Pick<ModelVersionSummary, 'promotion'>): string {
  const reason = version.promotion?.reason;
  const text = typeof reason === 'string' ? reason : '';
  return version.promotion?.automatic === false && !text ? 'set live by hand' : text;
}

/** The version predictions and the queue use right now, if any. */
export function findLiveVersion<T extends Pick<ModelVersionSummary, 'status'>>(versions: T[]): T | undefined {
  return versions.find((v) => v.status === 'active');
}

/** One sentence per strategy, for people who have never heard of active learning. */
export const strategyOptions: Record<Strategy, { name: string; explanation: string }> = {
  'diverse-margin': {
    name: 'Diverse near-ties (recommended)',
    explanation: 'Samples where the model hesitates between two labels, spread across different kinds of samples so it doesn’t dwell on one confusion.',
  },
  margin: { name: 'Near-ties', explanation: 'Samples where the model’s top two labels are almost equally likely.' },
  'least-confidence': { name: 'Least confident', explanation: 'Samples whose best guess the model is least sure of.' },
  entropy: { name: 'Most mixed-up', explanation: 'Samples where the model spreads its belief across many labels at once.' },
  random: { name: 'Random', explanation: 'Samples in random order: an unbiased picture of the data, but the model improves more slowly.' },
};

export const headKindOptions: Record<HeadKind, { name: string; explanation: string }> = {
  softmax: { name: 'Linear (softmax)', explanation: 'Fast and steady with few labels; the right choice for most projects.' },
  mlp: { name: 'Small neural network (MLP)', explanation: 'Can pick up subtler patterns once there are a few hundred labels; trains more slowly.' },
};

/** The version to show in detail: the one asked for by number, else the live one, else the newest. */
export function chooseVersion<T extends Pick<ModelVersionSummary, 'version' | 'status'>>(versions: T[], requested: string | null): T | undefined {
  const wanted = requested === null ? NaN : Number(requested);
  return versions.find((v) => v.version === wanted) ?? findLiveVersion(versions) ?? versions[0];
}
