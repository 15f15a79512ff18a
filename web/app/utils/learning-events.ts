import { z } from 'zod';
import type { ProjectEvent } from './socket.client.ts';

// Socket payloads are only typed as records on the wire; each reader checks the fields it uses.
// `failed`: samples set aside because their image does not decode (absent from older trainers).
const EmbedProgress = z.object({ total: z.number(), embedded: z.number(), failed: z.number().default(0) });
const Reason = z.object({ reason: z.string() });
const TrainProgress = z.object({ stage: z.string(), ms: z.number().optional() });
const ModelVersionData = z.object({
  version: z.number(),
  promoted: z.boolean(),
  reason: z.string().optional(),
  manual: z.boolean().optional(),
});

const QueueUpdated = z.object({ modelVersionId: z.number().nullable().optional() });

export type ModelVersionEvent = z.infer<typeof ModelVersionData>;

/** True for the trainer's events, which change no labeling counts (so they needn't refetch stats). */
export function isLearningEvent(event: ProjectEvent): boolean {
  return /^(embed|train|model|queue|settings)\./.test(event.type);
}

/** Embedding counts from `embed.progress` / `embed.completed`, else null. */
export function readEmbedProgress(event: ProjectEvent): { total: number; embedded: number; failed: number } | null {
  if (event.type !== 'embed.progress' && event.type !== 'embed.completed') return null;
  const parsed = EmbedProgress.safeParse(event.data);
  return parsed.success ? parsed.data : null;
}

/** Why embedding can't run (`embed.blocked`), else null. */
export function readEmbedBlocked(event: ProjectEvent): string | null {
  if (event.type !== 'embed.blocked') return null;
  const parsed = Reason.safeParse(event.data);
  return parsed.success ? parsed.data.reason : 'the model that prepares samples is not available';
}

/** The new version announced by `model.version`, else null. */
export function readModelVersion(event: ProjectEvent): ModelVersionEvent | null {
  if (event.type !== 'model.version') return null;
  const parsed = ModelVersionData.safeParse(event.data);
  return parsed.success ? parsed.data : null;
}

/** True for a `queue.updated` that ranked by a model (not the spread-out order used before one exists). */
export function isModelRanking(event: ProjectEvent): boolean {
  if (event.type !== 'queue.updated') return false;
  const parsed = QueueUpdated.safeParse(event.data);
  return parsed.success && typeof parsed.data.modelVersionId === 'number';
}

/** What the trainer is doing, as far as this page has heard since it opened. */
export interface TrainingActivity {
  training: boolean;
  /** The last stage reported while training ("evaluated after 1.2 s"). */
  stage: string | null;
  /** The outcome of the last run, in words. */
  outcome: { tone: 'info' | 'warning'; text: string } | null;
}

export const idleActivity: TrainingActivity = { training: false, stage: null, outcome: null };

/** Describes a finished run: a version went live, was kept back, or was put live by hand. */
export function describeModelVersion(event: ModelVersionEvent): string {
  if (event.manual) return `v${event.version} was put live by hand.`;
  const why = event.reason ? `: ${event.reason}` : '';
  return event.promoted ? `v${event.version} went live${why}.` : `v${event.version} was trained but not put live${why}.`;
}

/** The next activity after one of the trainer's events; other events leave it unchanged. */
export function applyLearningEvent(state: TrainingActivity, event: ProjectEvent): TrainingActivity {
  switch (event.type) {
    case 'train.started':
      return { ...state, training: true, stage: null };
    case 'train.progress': {
      const parsed = TrainProgress.safeParse(event.data);
      if (!parsed.success) return state;
      const after = parsed.data.ms === undefined ? '' : ` after ${(parsed.data.ms / 1000).toFixed(1)} s`;
      return { ...state, training: true, stage: `${parsed.data.stage}${after}` };
    }
    case 'train.skipped':
    case 'train.failed': {
      const parsed = Reason.safeParse(event.data);
      const reason = parsed.success ? parsed.data.reason : 'no reason given';
      const what = event.type === 'train.skipped' ? 'Training skipped' : 'Training failed';
      return { training: false, stage: null, outcome: { tone: 'warning', text: `${what}: ${reason}.` } };
    }
    case 'model.version': {
      const version = readModelVersion(event);
      if (!version) return { ...state, training: false, stage: null };
      const outcome = { tone: version.promoted ? ('info' as const) : ('warning' as const), text: describeModelVersion(version) };
      // A version put live by hand says nothing about a run that may be under way.
      return version.manual ? { ...state, outcome } : { training: false, stage: null, outcome };
    }
    default:
      return state;
  }
}
