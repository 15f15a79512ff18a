import express, { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { sendError } from '../http/errors.ts';
import { readMultipart } from '../http/multipart.ts';
import { authenticateApiKey } from '../api-keys/api-keys.service.ts';
import { PredictParams, PredictQuery, predictBody, type PredictInput } from './predict.schema.ts';
import { predict } from './predict.service.ts';
import { predictOpenApi } from './openapi.ts';
import { withDataExport } from '../export/export.openapi.ts';
import { withModelTransfer } from '../model-transfer/model-transfer.openapi.ts';
import { withImport } from '../import/import.openapi.ts';
import { RateLimiter } from './rate-limit.ts';

/**
 * The prediction API: `POST /api/v1/projects/:projectId/predict` with `Authorization: Bearer
 * <key>`. The key is checked and rate-limited before the body is read, so a caller without a
 * valid key cannot make the server parse megabytes.
 */
export function predictRoutes(deps: AppDeps): Router {
  const routes = Router();
  const limiter = new RateLimiter(deps.env.SIFT_API_RATE_PER_MINUTE);
  const maxBytes = Math.round(deps.env.SIFT_PREDICT_MAX_BODY_MB * 1024 * 1024);
  const json = express.json({ limit: maxBytes });
  const bodySchema = predictBody(deps.env.SIFT_PREDICT_MAX_BATCH);

  const authorize = (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const { projectId } = PredictParams.parse(req.params);
      const key = await authenticateApiKey(deps, req.headers.authorization, projectId, 'predict');
      const allowed = limiter.take(key.id);
      if (!allowed.ok) {
        res.setHeader('Retry-After', String(allowed.retryAfterSeconds));
        throw new AppError('TOO_MANY', `rate limit of ${deps.env.SIFT_API_RATE_PER_MINUTE} requests per minute for this key: retry in ${allowed.retryAfterSeconds} s`);
      }
      res.locals.apiKey = key;
      next();
    })().catch((error: unknown) => sendError(res, error));
  };

  routes.post('/projects/:projectId/predict', authorize, (req, res, next) => (req.is('multipart/form-data') ? next() : json(req, res, next)), (req, res) => {
    void (async () => {
      const { projectId } = PredictParams.parse(req.params);
      const query = PredictQuery.parse(req.query);
      const inputs = await readInputs(req, maxBytes, deps.env.SIFT_PREDICT_MAX_BATCH, bodySchema);
      res.json(await predict(deps, { projectId, apiKey: res.locals.apiKey, inputs, query }));
    })().catch((error: unknown) => sendError(res, error));
  });
  // Public, like any API reference (it holds no data), and readable by API tools on other origins.
  const openApi = withModelTransfer(withImport(withDataExport(predictOpenApi(deps.env))));
  routes.get('/openapi.json', (_req, res) => res.set('Access-Control-Allow-Origin', '*').json(openApi));
  return routes;
}

/** JSON `{"inputs": [...]}`, or image files as multipart/form-data (any field name). */
async function readInputs(req: Request, maxBytes: number, maxBatch: number, schema: ReturnType<typeof predictBody>): Promise<PredictInput[]> {
  if (req.is('multipart/form-data')) {
    const { files } = await readMultipart(req, maxBytes, maxBatch);
    if (files.length === 0) throw new AppError('INVALID', 'upload at least one image file');
    return files.map((f) => ({ imageBytes: f.data }));
  }
  if (!req.is('application/json')) throw new AppError('INVALID', 'send JSON (Content-Type: application/json) or multipart/form-data');
  return schema.parse(req.body).inputs;
}
