import { createEncoderPool } from '#trainer/encoder-pool.ts';
import { createEventBus, type EventBus, type SiftEvent } from '#trainer/jobs/events.ts';
import { createJobSystem, type JobSystem } from '#trainer/jobs/queue.ts';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import { startTrainerWorkers } from '#trainer/workers.ts';
import { createTestDatabase, redisUrl, uniqueName, type TestDatabase } from './databases.ts';

export interface TrainerWorkers {
  database: TestDatabase;
  jobs: JobSystem;
  bus: EventBus;
  /** Every event the workers published, in order. */
  events: SiftEvent[];
  close(): Promise<void>;
}

/**
 * A database of its own with the trainer's workers running in this process on it (real
 * PostgreSQL when DATABASE_URL is set, else PGlite), for tests that drive training directly.
 */
export async function startTrainerWorkersForTest(prefixStem: string): Promise<TrainerWorkers> {
  await initTensorBackend({ log: () => undefined });
  const database = await createTestDatabase(process.env.DATABASE_URL ? 'postgres' : 'pglite');
  const prefix = uniqueName(prefixStem);
  const jobs = createJobSystem({ redisUrl: redisUrl(), databaseUrl: database.connectionString, embedded: !process.env.DATABASE_URL, prefix });
  const bus = await createEventBus({ prefix });
  const events: SiftEvent[] = [];
  bus.subscribe((event) => events.push(event));
  await startTrainerWorkers({ db: database.db, jobs, bus, encoders: createEncoderPool({}), backend: () => 'wasm' });
  return {
    database,
    jobs,
    bus,
    events,
    async close() {
      await jobs.close();
      await bus.close();
      await database.close();
    },
  };
}
