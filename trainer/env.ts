import { z } from 'zod';

const MAX_RSS_MESSAGE = 'must be a whole number of MB from 0 (no ceiling) to 1048576';

/** The trainer process's settings, validated at boot. */
export const TrainerEnv = z.object({
  DATABASE_URL: z.string().url({ message: 'the trainer process needs DATABASE_URL (PostgreSQL with pgvector)' }),
  REDIS_URL: z.string().url().optional(),
  /** Set by the server when it forks the trainer over an embedded PGlite database. */
  SIFT_EMBEDDED: z.enum(['0', '1']).default('0').transform((v) => v === '1'),
  SIFT_QUEUE_PREFIX: z.string().regex(/^[a-z0-9_]+$/i).default('sift'),
  SIFT_IMAGE_MODEL_DIR: z.string().min(1).optional(),
  SIFT_TF_BACKEND: z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).optional(),
  /** Logged predictions older than this are deleted by the hourly cleanup. */
  SIFT_PREDICTION_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /**
   * How long a training run's queue lock lasts without renewal. A run renews it between fits, so
   * this bounds both the longest single fit and how soon a killed trainer's run is taken up again.
   */
  SIFT_TRAIN_LOCK_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  /**
   * The trainer's nice value: on a machine it shares with the server, labeling and predictions
   * win the CPU and training takes what is left. 0 keeps the normal priority.
   */
  SIFT_TRAINER_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * The trainer's memory ceiling: when its RSS is above it after a job, it takes no new jobs,
   * finishes the ones it runs and exits to be restarted (see memory-ceiling.ts). 0: no ceiling.
   */
  SIFT_TRAINER_MAX_RSS_MB: z.coerce
    .number({ invalid_type_error: MAX_RSS_MESSAGE })
    .int(MAX_RSS_MESSAGE)
    .min(0, MAX_RSS_MESSAGE)
    .max(1_048_576, MAX_RSS_MESSAGE)
    .default(0),
  /**
   * Megabytes of warm state (the last run's heads, folds and lexical model) kept between training
   * runs, all projects together, least recently trained dropped first. 0 keeps none: every run
   * starts cold (slower, same result).
   */
  SIFT_TRAINER_WARM_STATE_MB: z.coerce.number().int().min(0).max(65_536).default(256),
  /** `deny`: webhooks may not post to private, loopback or link-local addresses (checked at connect time). */
  SIFT_WEBHOOK_PRIVATE_NETWORKS: z.enum(['allow', 'deny']).default('allow'),
  /** Webhook deliveries and their attempt log older than this are deleted by the hourly cleanup. */
  SIFT_WEBHOOK_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  /** The wait before a webhook's first retry; each later one waits twice as long (6 attempts in all). */
  SIFT_WEBHOOK_RETRY_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(10_000),
});
export type TrainerEnv = z.infer<typeof TrainerEnv>;

export function loadTrainerEnv(source: NodeJS.ProcessEnv = process.env): TrainerEnv {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = TrainerEnv.safeParse(cleaned);
  if (!parsed.success) {
    throw new Error(`invalid configuration:\n${parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return parsed.data;
}
