import { Router, type Request, type Response } from 'express';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { sendError } from '../http/errors.ts';
import { transferLimit } from '../http/transfer-limit.ts';
import { ExportParams, ExportQuery } from './export.schema.ts';
import { openExport, type ExportPrincipal } from './export.service.ts';

/**
 * `GET /api/v1/projects/:projectId/export?format=csv|jsonl|zip&resolved=true&split=train|check&label=NAME`:
 * the project's samples, streamed. Authenticated by an `Authorization: Bearer` API key with the
 * `export` scope when the header is present, else by the session cookie. Rate- and
 * concurrency-limited per key or user (see transferLimit).
 */
export function exportRoutes(deps: AppDeps): Router {
  const routes = Router();
  const limit = transferLimit(deps, 'export', { concurrent: deps.env.SIFT_EXPORT_CONCURRENCY });
  routes.get('/projects/:projectId/export', limit, (req, res) => void handleExport(deps, req, res));
  return routes;
}

async function handleExport(deps: AppDeps, req: Request, res: Response): Promise<void> {
  try {
    const { projectId } = ExportParams.parse(req.params);
    const query = ExportQuery.parse(req.query);
    const exported = await openExport(deps, principalOf(req, res), projectId, query);
    res.setHeader('Content-Type', exported.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${exported.fileName}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    await streamTo(res, exported.chunks);
  } catch (error) {
    if (!res.headersSent) {
      res.removeHeader('Content-Disposition');
      sendError(res, error);
      return;
    }
    // Mid-stream the status is already 200: cut the connection so the client sees a broken download, not a short file.
    console.error('[export] failed mid-stream:', error instanceof Error ? error.message : error);
    res.destroy();
  }
}

function principalOf(req: Request, res: Response): ExportPrincipal {
  if (req.headers.authorization !== undefined) return { authorization: req.headers.authorization };
  if (res.locals.user) return { user: res.locals.user };
  throw new AppError('UNAUTHORIZED', 'sign in, or send an API key with the export scope: Authorization: Bearer sift_…');
}

/**
 * Writes chunks with backpressure: when res.write() says the socket buffer is full, waits for
 * 'drain' before reading the next batch, so memory holds about one batch whatever the export's
 * size. A client that goes away ends the loop, which closes the generator (no more queries).
 */
export async function streamTo(res: Response, chunks: AsyncIterable<string | Uint8Array>): Promise<void> {
  for await (const chunk of chunks) {
    if (res.destroyed) return;
    if (!res.write(chunk)) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end();
}

function drainedOrClosed(res: Response): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
