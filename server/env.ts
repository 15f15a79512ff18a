import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * An integer within bounds; every message is `must be <expected>`. Blank is refused: `Number(' ')`
 * is 0, which for PORT would quietly mean "any free port".
 */
function integer(expected: string, min: number, max: number) {
  const message = `must be ${expected}`;
  const number = z.coerce.number({ invalid_type_error: message }).int(message).min(min, message).max(max, message);
  return z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? Number.NaN : value), number);
}

/** A whole number within bounds, with a message that says what the setting counts. */
function wholeNumber(unit: string, min: number, max: number) {
  return integer(`a whole number of ${unit} from ${min} to ${max.toLocaleString('en-US')}`, min, max);
}

/** Every setting the server reads from the environment, validated once at boot. */
export const Env = z.object({
  PORT: integer('a port number from 0 to 65535 (0: any free port)', 0, 65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  SIFT_DATA_DIR: z.string().min(1).default('./.sift'),
  SIFT_QUEUE_PREFIX: z.string().regex(/^[a-z0-9_]+$/i, 'letters, digits and _ only').default('sift'),
  SIFT_TRAINER: z.enum(['child', 'external']).optional(),
  SIFT_ALLOW_SIGNUP: bool.default('true'),
  SIFT_SECURE_COOKIES: bool.default('false'),
  SIFT_SESSION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  SIFT_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(2048).default(50),
  SIFT_MAX_IMPORT_ROWS: z.coerce.number().int().min(1).max(10_000_000).default(100_000),
  SIFT_TF_BACKEND: z.enum(['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu']).optional(),
  SIFT_IMAGE_MODEL_DIR: z.string().min(1).optional(),
  /** Prediction API: inputs per request, body size, and requests per minute per API key. */
  SIFT_PREDICT_MAX_BATCH: z.coerce.number().int().min(1).max(1000).default(64),
  SIFT_PREDICT_MAX_BODY_MB: z.coerce.number().min(0.1).max(512).default(10),
  SIFT_API_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  /** Memory for the model versions the prediction API holds loaded (live and pinned), least recently used dropped past it. */
  SIFT_SERVING_MODELS_MB: wholeNumber('megabytes', 16, 1_000_000).default(512),
  /** Export and import requests per minute per API key (or signed-in user), and exports streaming at once per key or user. */
  SIFT_TRANSFER_RATE_PER_MINUTE: wholeNumber('requests per minute', 1, 1_000_000).default(30),
  SIFT_EXPORT_CONCURRENCY: wholeNumber('exports at once', 1, 100).default(2),
  /** `deny`: webhook URLs may not point at private, loopback or link-local addresses (the trainer checks again on delivery). */
  SIFT_WEBHOOK_PRIVATE_NETWORKS: z.enum(['allow', 'deny']).default('allow'),
});
export type Env = z.infer<typeof Env>;

/** Parses the environment; on error names every bad variable and why, then exits. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== ''));
  const parsed = Env.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

/**
 * Who runs the trainer: the server forks it (`child`, the default in the all-embedded setup) or it
 * is started separately (`external`: `npm run trainer`, its own docker-compose service).
 */
export function trainerMode(env: Env): 'child' | 'external' {
  return env.SIFT_TRAINER ?? (!env.DATABASE_URL && !env.REDIS_URL ? 'child' : 'external');
}
