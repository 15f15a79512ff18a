import { Router } from 'express';
import { pingDatabase } from '#db/health.ts';
import type { AppDeps } from '../deps.ts';
import { getTensorBackendStatus } from '#trainer/ml/backend.ts';
import type { TrainerStatus } from '../trainer-process.ts';

export interface HealthInfo {
  databaseMode: 'postgres' | 'pglite';
  trainer: () => TrainerStatus;
}

/** `GET /healthz`: database, queue, event bus and tensor backend status; 503 when a dependency is down. */
export function healthRoutes(deps: AppDeps, info: HealthInfo): Router {
  const routes = Router();
  routes.get('/healthz', async (_req, res) => {
    const [database, queue] = await Promise.all([
      pingDatabase(deps.db),
      deps.jobs.ping().then((ok) => (ok ? { ok } : { ok, error: 'queue backend did not answer' })),
    ]);
    const tensor = getTensorBackendStatus();
    const ok = database.ok && queue.ok;
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      database: { ...database, mode: info.databaseMode },
      queue: { ...queue, backend: deps.jobs.kind },
      events: { backend: deps.bus.kind },
      trainer: info.trainer(),
      tensor: tensor
        ? { ok: true, backend: tensor.backend, gpu: tensor.gpu, detail: tensor.detail ?? null, tried: tensor.tried }
        : { ok: false, backend: null, error: 'tensor backend not initialised yet' },
    });
  });
  return routes;
}
