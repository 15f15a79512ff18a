import path from 'node:path';
import { createDb, type DbHandle } from '#db/client.ts';
import { migrateToLatest } from '#db/migrate.ts';
import { createJobSystem } from '#trainer/jobs/queue.ts';
import { createEventBus } from '#trainer/jobs/events.ts';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import type { AppDeps } from './deps.ts';
import { ModelCache } from './inference/model-cache.ts';
import { PredictionLog } from './predict/prediction-log.ts';
import { ServingCache } from './predict/serving-cache.ts';
import { FeedbackSink } from './predict/feedback.ts';
import { createProjectStatsFeed } from './labeling/project-stats.ts';
import { createEmbedder } from './inference/embedder.ts';
import { trainerMode, type Env } from './env.ts';
import { startTrainerChild, type TrainerStatus } from './trainer-process.ts';

export interface Runtime {
  deps: AppDeps;
  handle: DbHandle;
  trainerStatus: () => TrainerStatus;
  close(): Promise<void>;
}

/**
 * Opens everything the server needs from its configuration: the database (migrated), the job
 * system, the event bus, and, in the embedded setup, the trainer as a child process.
 */
export async function startRuntime(env: Env): Promise<Runtime> {
  const handle = await createDb({ databaseUrl: env.DATABASE_URL, dataDir: path.join(env.SIFT_DATA_DIR, 'pgdata') });
  try {
    await migrateToLatest(handle.db);
    const jobs = createJobSystem({
      redisUrl: env.REDIS_URL,
      databaseUrl: handle.connectionString,
      embedded: handle.mode === 'pglite',
      prefix: env.SIFT_QUEUE_PREFIX,
    });
    const bus = await createEventBus({
      redisUrl: env.REDIS_URL,
      postgresUrl: handle.mode === 'postgres' ? handle.connectionString : undefined,
      prefix: env.SIFT_QUEUE_PREFIX,
    });
    const models = new ModelCache(handle.db, bus, env.SIFT_SERVING_MODELS_MB * 1024 * 1024);
    const predictionLog = new PredictionLog(handle.db);
    const servingCache = new ServingCache(bus);
    const feedback = new FeedbackSink({ db: handle.db, jobs, bus });
    const embedder = createEmbedder({ imageModelDir: env.SIFT_IMAGE_MODEL_DIR });
    const projectStats = createProjectStatsFeed(handle.db, bus);
    const deps: AppDeps = { db: handle.db, jobs, bus, env, now: () => new Date(), embedder, models, predictionLog, feedback, servingCache, projectStats };
    const trainer =
      trainerMode(env) === 'child'
        ? startTrainerChild({ databaseUrl: handle.connectionString, prefix: env.SIFT_QUEUE_PREFIX, tfBackend: env.SIFT_TF_BACKEND, bus })
        : undefined;
    // The server's own backend (for inference) is picked in the background; /healthz reports it.
    void initTensorBackend({ override: env.SIFT_TF_BACKEND, log: (line) => console.log(`[tensor] ${line}`) }).catch((error: Error) =>
      console.error(`[tensor] ${error.message}`),
    );
    return {
      deps,
      handle,
      trainerStatus: () => trainer?.status() ?? { mode: 'external', ready: true },
      async close() {
        await trainer?.stop();
        models.close();
        servingCache.close();
        projectStats.close();
        await predictionLog.flush();
        await feedback.flush();
        await embedder.close();
        await jobs.close();
        await bus.close();
        await handle.close();
      },
    };
  } catch (error) {
    await handle.close();
    throw error;
  }
}
