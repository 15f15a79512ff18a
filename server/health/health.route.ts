import { Router } from 'express';
import { pingDatabase } from '#db/health.ts';
import type { AppDeps } from '../deps.ts';
import { getTensorBackendStatus } from '#trainer/ml/backend.ts';
import { describeImageModel } from '#trainer/ml/encoders/image-encoder.ts';
import type { TrainerStatus } from '../trainer-process.ts';
import { describeTrainerMemory } from './trainer-memory.service.ts';

export interface HealthInfo {
  databaseMode: 'postgres' | 'pglite';
  trainer: () => TrainerStatus;
}

/**
 * `GET /healthz`: database, queue, event bus, trainer (with its memory) and tensor backend status;
 * 503 when a dependency is down.
 */
export function healthRoutes(deps: AppDeps, info: HealthInfo): Router {
  const routes = Router();
  routes.get('/healthz', async (_req, res) => {
    const [database, queue, trainerMemory] = await Promise.all([
      pingDatabase(deps.db),
      deps.jobs.ping().then((ok) => (ok ? { ok } : { ok, error: 'queue backend did not answer' })),
      // Unknown while the database is down (the database entry says why).
      describeTrainerMemory(deps).catch(() => null),
    ]);
    const tensor = getTensorBackendStatus();
    const ok = database.ok && queue.ok;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      database: { ...database, mode: info.databaseMode },
      queue: { ...queue, backend: deps.jobs.kind },
      events: { backend: deps.bus.kind },
      trainer: { ...info.trainer(), memory: trainerMemory },
      encoders: {
        text: { ok: true, name: 'use-lite-512' },
        image: imageModelHealth(deps.env.SIFT_IMAGE_MODEL_DIR),
      },
      tensor: tensor
        ? { ok: true, backend: tensor.backend, gpu: tensor.gpu, detail: tensor.detail ?? null, tried: tensor.tried }
        : { ok: false, backend: null, error: 'tensor backend not initialised yet' },
    });
  });
  return routes;
}

/** Image projects need SIFT_IMAGE_MODEL_DIR; say plainly when it is missing (the server still runs). */
function imageModelHealth(dir: string | undefined) {
  const status = describeImageModel(dir);
  return status.ok ? { ok: true, name: 'mobilenet-v1-0.25-224', dir: status.dir } : { ok: false, name: 'mobilenet-v1-0.25-224', reason: status.reason };
}
