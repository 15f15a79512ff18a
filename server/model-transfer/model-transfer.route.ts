import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { sendError } from '../http/errors.ts';
import { readMultipart } from '../http/multipart.ts';
import { ModelExportParams, ModelImportParams } from './model-transfer.schema.ts';
import { authorizeModelTransfer, exportModelVersion, importModelVersion, type TransferPrincipal } from './model-transfer.service.ts';

/**
 * `GET /api/v1/projects/:projectId/models/:version/export` (a zip) and
 * `POST /api/v1/projects/:projectId/models/import` (multipart, that zip). Authenticated by an
 * `Authorization: Bearer` API key with the `export` / `import` scope when the header is present,
 * else by the session cookie (lead or above).
 */
export function modelTransferRoutes(deps: AppDeps): Router {
  const routes = Router();
  routes.get('/projects/:projectId/models/:version/export', (req, res) => void handleExport(deps, req, res));
  routes.post('/projects/:projectId/models/import', (req, res) => void handleImport(deps, req, res));
  return routes;
}

async function handleExport(deps: AppDeps, req: Request, res: Response): Promise<void> {
  try {
    const { projectId, version } = ModelExportParams.parse(req.params);
    const access = await authorizeModelTransfer(deps, principalOf(req, res, 'export'), projectId, 'export');
    const { fileName, data } = await exportModelVersion(deps, access, version);
    res.setHeader('Content-Type', 'application/zip');
    res.setHeader('Content-Disposition', `attachment; filename="${fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.end(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  } catch (error) {
    sendError(res, error);
  }
}

async function handleImport(deps: AppDeps, req: Request, res: Response): Promise<void> {
  try {
    const { projectId } = ModelImportParams.parse(req.params);
    // Refuse before reading: an annotator or a wrong key must not make the server buffer an upload.
    const access = await authorizeModelTransfer(deps, principalOf(req, res, 'import'), projectId, 'import');
    const { files } = await readMultipart(req, deps.env.SIFT_MAX_UPLOAD_MB * 1024 * 1024, 1);
    res.status(201).json(await importModelVersion(deps, access, files[0]));
  } catch (error) {
    sendError(res, error);
  }
}

function principalOf(req: Request, res: Response, scope: 'export' | 'import'): TransferPrincipal {
  if (req.headers.authorization !== undefined) return { authorization: req.headers.authorization };
  if (res.locals.user) return { user: res.locals.user };
  throw new AppError('UNAUTHORIZED', `sign in, or send an API key with the ${scope} scope: Authorization: Bearer sift_…`);
}
