import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createApp, loadProductionWeb } from '#server/app.ts';
import type { AppDeps } from '#server/deps.ts';
import { Env } from '#server/env.ts';
import { createJobSystem } from '#trainer/jobs/queue.ts';
import { ModelCache } from '#server/inference/model-cache.ts';
import { PredictionLog } from '#server/predict/prediction-log.ts';
import { ServingCache } from '#server/predict/serving-cache.ts';
import { FeedbackSink } from '#server/predict/feedback.ts';
import { createProjectStatsFeed } from '#server/labeling/project-stats.ts';
import { createEmbedder } from '#server/inference/embedder.ts';
import { createEventBus } from '#trainer/jobs/events.ts';
import { createTestDatabase, redisUrl, uniqueName, type Backend, type TestDatabase } from './databases.ts';

export interface TestApp {
  baseUrl: string;
  deps: AppDeps;
  database: TestDatabase;
  close(): Promise<void>;
}

/** Builds real dependencies (own database, own queue prefix) for services and routers. */
export async function createTestDeps(
  backend: Backend,
  options: { useRedis?: boolean; env?: Record<string, string>; postgresAdminUrl?: string; redisUrl?: string } = {},
): Promise<{ deps: AppDeps; database: TestDatabase; close(): Promise<void> }> {
  const database = await createTestDatabase(backend, options.postgresAdminUrl);
  const prefix = uniqueName('t');
  const redis = options.useRedis === false ? undefined : (options.redisUrl ?? redisUrl());
  const env = Env.parse({ NODE_ENV: 'test', SIFT_QUEUE_PREFIX: prefix, ...options.env });
  const jobs = createJobSystem({ redisUrl: redis, databaseUrl: database.connectionString, embedded: backend === 'pglite', prefix });
  const bus = await createEventBus({
    redisUrl: redis,
    postgresUrl: backend === 'postgres' ? database.connectionString : undefined,
    prefix,
  });
  const models = new ModelCache(database.db, bus);
  const predictionLog = new PredictionLog(database.db);
  const servingCache = new ServingCache(bus);
  const feedback = new FeedbackSink({ db: database.db, jobs, bus });
  const embedder = createEmbedder({ imageModelDir: env.SIFT_IMAGE_MODEL_DIR });
  const projectStats = createProjectStatsFeed(database.db, bus);
  const deps: AppDeps = { db: database.db, jobs, bus, env, now: () => new Date(), embedder, models, predictionLog, feedback, servingCache, projectStats };
  return {
    deps,
    database,
    async close() {
      models.close();
      servingCache.close();
      projectStats.close();
      await predictionLog.flush();
      await feedback.flush();
      await embedder.close();
      await jobs.close();
      await bus.close();
      await database.close();
    },
  };
}

/** The whole HTTP server (with the built web app when `npm run build` has run) on an ephemeral port. */
export async function startTestApp(
  backend: Backend,
  options: { env?: Record<string, string>; web?: boolean; postgresAdminUrl?: string; redisUrl?: string; leaveGraceMs?: number } = {},
): Promise<TestApp> {
  const { deps, database, close } = await createTestDeps(backend, options);
  const buildExists = existsSync(path.join(process.cwd(), 'build', 'server', 'index.js'));
  const web = options.web && buildExists ? await loadProductionWeb() : undefined;
  // No grace by default: a closed socket frees its user's lease at once, which tests can wait for.
  const trainer = () => ({ mode: 'external' as const, ready: true });
  const { httpServer, io } = createApp(deps, web, { databaseMode: database.mode, trainer }, { leaveGraceMs: options.leaveGraceMs ?? 0 });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  const { port } = httpServer.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    deps,
    database,
    async close() {
      io.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
      await close();
    },
  };
}
