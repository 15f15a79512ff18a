/**
 * The trainer process: BullMQ workers over the project database (+ Redis when configured).
 * Run on its own (`npm run trainer`, docker-compose) or forked by the server in the embedded setup.
 */
import os from 'node:os';
import { createDb } from '#db/client.ts';
import { migrateToLatest } from '#db/migrate.ts';
import { createJobSystem } from './jobs/queue.ts';
import { createEventBus } from './jobs/events.ts';
import { initTensorBackend } from './ml/backend.ts';
import { loadTrainerEnv } from './env.ts';
import { startTrainerWorkers } from './workers.ts';
import { createEncoderPool } from './encoder-pool.ts';

async function main(): Promise<void> {
  const env = loadTrainerEnv();
  // Before any thread starts: on Linux a thread's priority is its own, and new threads inherit it.
  // Lowering one's own priority is always permitted.
  if (env.SIFT_TRAINER_NICE > 0) os.setPriority(0, Math.max(os.getPriority(0), env.SIFT_TRAINER_NICE));
  const handle = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: 'unused', poolSize: 5 });
  await migrateToLatest(handle.db);
  const tensor = await initTensorBackend({ override: env.SIFT_TF_BACKEND, log: (line) => console.log(`[trainer] ${line}`) });
  const jobs = createJobSystem({ redisUrl: env.REDIS_URL, databaseUrl: handle.connectionString, embedded: env.SIFT_EMBEDDED, prefix: env.SIFT_QUEUE_PREFIX });
  const bus = await createEventBus({
    redisUrl: env.REDIS_URL,
    postgresUrl: env.SIFT_EMBEDDED ? undefined : env.DATABASE_URL,
    parentIpc: env.SIFT_EMBEDDED,
    prefix: env.SIFT_QUEUE_PREFIX,
  });
  const encoders = createEncoderPool({ imageModelDir: env.SIFT_IMAGE_MODEL_DIR });
  const imageModel = encoders.imageModelStatus();
  if (!imageModel.ok) console.log(`[trainer] image projects cannot be embedded: ${imageModel.reason}`);
  await startTrainerWorkers({
    db: handle.db,
    jobs,
    bus,
    encoders,
    backend: () => tensor.backend,
    predictionRetentionDays: env.SIFT_PREDICTION_RETENTION_DAYS,
    trainLockMs: env.SIFT_TRAIN_LOCK_SECONDS * 1000,
    webhooks: { allowPrivate: env.SIFT_WEBHOOK_PRIVATE_NETWORKS === 'allow', retryBaseMs: env.SIFT_WEBHOOK_RETRY_BASE_MS, retentionDays: env.SIFT_WEBHOOK_RETENTION_DAYS },
  });
  console.log(`[trainer] ready (queue: ${jobs.kind}, events: ${bus.kind}, tensor backend: ${tensor.backend})`);
  process.send?.({ type: 'ready', tensorBackend: tensor.backend });

  const stop = async () => {
    await jobs.close();
    encoders.dispose();
    await bus.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  // Forked by the server: go when the parent goes.
  process.on('disconnect', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[trainer] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
