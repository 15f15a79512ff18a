/** The trainer as its own process (`npm run trainer`): BullMQ workers against real PostgreSQL (+ Redis). */
import { createDb } from '#db/client.ts';
import { migrateToLatest } from '#db/migrate.ts';
import { createJobSystem } from './jobs/queue.ts';
import { initTensorBackend } from './ml/backend.ts';
import { loadTrainerEnv } from './env.ts';
import { startTrainerWorkers } from './workers.ts';

async function main(): Promise<void> {
  const env = loadTrainerEnv();
  const handle = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: 'unused' });
  await migrateToLatest(handle.db);
  const tensor = await initTensorBackend({ override: env.SIFT_TF_BACKEND, log: (line) => console.log(`[tensor] ${line}`) });
  const jobs = createJobSystem({ redisUrl: env.REDIS_URL, databaseUrl: handle.connectionString, embedded: false, prefix: env.SIFT_QUEUE_PREFIX });
  await startTrainerWorkers({ db: handle.db, jobs });
  console.log(`[trainer] ready (queue: ${jobs.kind}, tensor backend: ${tensor.backend})`);
  const stop = async () => {
    await jobs.close();
    await handle.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`[trainer] failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
