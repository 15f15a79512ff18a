import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { sendError } from '../http/errors.ts';
import { readMultipart } from '../http/multipart.ts';
import { transferLimit } from '../http/transfer-limit.ts';
import { getProjectAccess } from '../projects/projects.service.ts';
import { findSampleImage } from '#db/samples.ts';
import { authorizeImport, importLimitsFor, importSamples, previewImport } from './import.service.ts';
import { RowIdParam } from '../http/ids.ts';

const Params = z.object({ projectId: RowIdParam });
const SampleParams = Params.extend({ sampleId: RowIdParam });

/**
 * REST routes for uploads (a session, or an API key with the import scope; rate-limited per key or
 * user, see transferLimit) and image bytes (session only): files don't fit tRPC's JSON.
 */
export function importRoutes(deps: AppDeps): Router {
  const routes = Router();
  // One allowance for imports and previews (each reads an upload); image reads are not limited.
  const limit = transferLimit(deps, 'import');
  routes.post('/projects/:projectId/import', limit, (req, res) => void handleImport(deps, req, res, 'import'));
  routes.post('/projects/:projectId/import/preview', limit, (req, res) => void handleImport(deps, req, res, 'preview'));
  routes.get('/projects/:projectId/samples/:sampleId/image', (req, res) => void sendImage(deps, req, res));
  return routes;
}

async function handleImport(deps: AppDeps, req: Request, res: Response, mode: 'import' | 'preview'): Promise<void> {
  try {
    const { projectId } = Params.parse(req.params);
    // Refused before reading: an annotator must not make the server buffer an upload.
    const { user, access } = await authorizeImport(deps, { authorization: req.headers.authorization, user: res.locals.user }, projectId);
    const limits = importLimitsFor(deps);
    const { files, fields } = await readMultipart(req, limits.maxFileBytes, mode === 'preview' ? 1 : 10_000);
    if (mode === 'preview') {
      if (!files[0]) throw new AppError('INVALID', 'choose a file to preview');
      res.json(previewImport(access, files[0], limits));
      return;
    }
    const textField = fields.textField?.trim() || undefined;
    const labelField = fields.labelField?.trim() || undefined;
    res.json(await importSamples(deps, user, access, { files, textField, labelField }));
  } catch (error) {
    sendError(res, error);
  }
}

async function sendImage(deps: AppDeps, req: Request, res: Response): Promise<void> {
  try {
    const user = res.locals.user;
    if (!user) throw new AppError('UNAUTHORIZED', 'sign in first');
    const { projectId, sampleId } = SampleParams.parse(req.params);
    await getProjectAccess(deps, user, projectId);
    const image = await findSampleImage(deps.db, projectId, sampleId);
    if (!image) throw new AppError('NOT_FOUND', `sample ${sampleId} has no image`);
    res.setHeader('Content-Type', image.mime);
    res.setHeader('Cache-Control', 'private, max-age=86400, immutable');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(image.data);
  } catch (error) {
    sendError(res, error);
  }
}
