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
import { memorySnapshot } from './ml/memory.ts';
import { startMemoryWatch } from './memory-watch.ts';
import { TRAINER_RESTART_EXIT_CODE, ceilingBytes, formatMb } from './memory-ceiling.ts';

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
  // One stop, whatever asks first: a signal during a restart for memory still exits to be restarted.
  let stopping: Promise<never> | undefined;
  const stop = (reason: { exitCode: number; restartRssBytes?: number }) =>
    (stopping ??= (async () => {
      try {
        // Takes no new jobs; waits for the running ones (queued jobs stay queued for the next trainer).
        await jobs.close();
        await memory.stop(reason.restartRssBytes);
        encoders.dispose();
        await bus.close();
        await handle.close();
      } finally {
        process.exit(reason.exitCode);
      }
    })());
  const ceiling = ceilingBytes(env.SIFT_TRAINER_MAX_RSS_MB);
  // Before the workers start, so the first job they finish is checked too.
  const memory = startMemoryWatch({
    db: handle.db,
    jobs,
    queuePrefix: env.SIFT_QUEUE_PREFIX,
    ceiling,
    read: memorySnapshot,
    onCeiling: (rssBytes) => {
      console.log(
        `[trainer] restarting for memory: RSS ${formatMb(rssBytes)} is above SIFT_TRAINER_MAX_RSS_MB (${formatMb(ceiling ?? 0)}); ` +
          `taking no new jobs, finishing the running ones, then exiting with code ${TRAINER_RESTART_EXIT_CODE}`,
      );
      void stop({ exitCode: TRAINER_RESTART_EXIT_CODE, restartRssBytes: rssBytes });
    },
  });
  await startTrainerWorkers({
    db: handle.db,
    jobs,
    bus,
    encoders,
    backend: () => tensor.backend,
    predictionRetentionDays: env.SIFT_PREDICTION_RETENTION_DAYS,
    trainLockMs: env.SIFT_TRAIN_LOCK_SECONDS * 1000,
    warmStateBytes: env.SIFT_TRAINER_WARM_STATE_MB * 1024 * 1024,
    webhooks: { allowPrivate: env.SIFT_WEBHOOK_PRIVATE_NETWORKS === 'allow', retryBaseMs: env.SIFT_WEBHOOK_RETRY_BASE_MS, retentionDays: env.SIFT_WEBHOOK_RETENTION_DAYS },
  });
  // A job finished while the workers started may already have tripped the ceiling: then it is not ready, it is going.
  if (!stopping) {
    console.log(`[trainer] ready (queue: ${jobs.kind}, events: ${bus.kind}, tensor backend: ${tensor.backend}, memory ceiling: ${ceiling === null ? 'none' : formatMb(ceiling)})`);
    process.send?.({ type: 'ready', tensorBackend: tensor.backend });
  }
  process.on('SIGTERM', () => void stop({ exitCode: 0 }));
  process.on('SIGINT', () => void stop({ exitCode: 0 }));
  // Forked by the server: go when the parent goes.
  process.on('disconnect', () => void stop({ exitCode: 0 }));
}

main().catch((error: unknown) => {
  console.error(`[trainer] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
