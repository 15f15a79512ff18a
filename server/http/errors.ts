import type { Request, Response, NextFunction } from 'express';
import { ZodError } from 'zod';
import { AppError, httpStatusOf } from '../errors.ts';
import { asUnavailable } from './unavailable.ts';

/** What a client is told of an unexpected error (the server logs the error itself): its message may hold SQL or file paths. */
export const INTERNAL_MESSAGE = 'internal error; the server logged the details';

/** Sends `{ error: { code, message } }` with the mapped status; never leaks internals on 500. */
export function sendError(res: Response, error: unknown): void {
  if (res.headersSent) return;
  const unavailable = asUnavailable(error);
  if (unavailable) {
    res.setHeader('Retry-After', '5');
    sendError(res, unavailable);
    return;
  }
  if (error instanceof AppError) {
    res.status(httpStatusOf[error.code]).json({ error: { code: error.code, message: error.message, ...error.details } });
    return;
  }
  if (error instanceof ZodError) {
    const first = error.issues[0];
    const message = first ? `${first.path.join('.') || 'input'}: ${first.message}` : 'invalid input';
    res.status(400).json({ error: { code: 'INVALID', message, issues: error.flatten() } });
    return;
  }
  const status = (error as { status?: number; type?: string }).status;
  if (status && status >= 400 && status < 500) {
    // Body-parser errors: an oversized body is TOO_LARGE like any other, the rest is bad input.
    res.status(status).json({ error: { code: status === 413 ? 'TOO_LARGE' : 'INVALID', message: (error as Error).message } });
    return;
  }
  console.error('[http] unexpected error:', error);
  res.status(500).json({ error: { code: 'INTERNAL', message: INTERNAL_MESSAGE } });
}

export function errorMiddleware(error: unknown, _req: Request, res: Response, _next: NextFunction): void {
  sendError(res, error);
}
