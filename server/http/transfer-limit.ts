import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { User } from '#db/users.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { authenticateApiKey } from '../api-keys/api-keys.service.ts';
import { RateLimiter } from '../predict/rate-limit.ts';
import { sendError } from './errors.ts';
import { RowIdParam } from './ids.ts';

/** What a caller at the export cap is told to wait: an export's length is unknown, so a guess. */
export const BUSY_RETRY_SECONDS = 10;

const Params = z.object({ projectId: RowIdParam });

/** Counts what each key holds at once; `acquire` hands back the release, or undefined at the cap. */
export class ConcurrencyLimiter<K> {
  /** Only keys holding a slot now (a key's count is deleted at zero): bounded by open responses. */
  private readonly held = new Map<K, number>();

  constructor(readonly max: number) {}

  acquire(key: K): (() => void) | undefined {
    const count = this.held.get(key) ?? 0;
    if (count >= this.max) return undefined;
    this.held.set(key, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}

/**
 * Limits for the data transfer routes, checked before the route reads a byte: each API key (or,
 * without one, each signed-in user) gets SIFT_TRANSFER_RATE_PER_MINUTE requests a minute as a token
 * bucket, and with `concurrent`, at most that many responses open at once (an export is a long
 * stream; its slot frees when the response closes, finished or cut). Beyond either: 429 with
 * Retry-After. Requests with neither a key nor a session pass through to the route's own 401.
 * In memory, per server process, like the prediction API's limit.
 */
export function transferLimit(deps: AppDeps, scope: 'export' | 'import', options: { concurrent?: number } = {}): RequestHandler {
  const perMinute = deps.env.SIFT_TRANSFER_RATE_PER_MINUTE;
  const rate = new RateLimiter<string>(perMinute);
  const open = options.concurrent === undefined ? undefined : new ConcurrencyLimiter<string>(options.concurrent);
  return (req, res, next) => {
    void (async () => {
      const caller = await callerOf(deps, req, res, scope);
      if (!caller) return next();
      const release = open?.acquire(caller.id);
      if (open && !release) {
        throw tooMany(res, BUSY_RETRY_SECONDS, `this ${caller.noun} already has ${open.max} ${scope}s running, the most at once: retry when one has finished`);
      }
      const allowed = rate.take(caller.id);
      if (!allowed.ok) {
        release?.();
        throw tooMany(res, allowed.retryAfterSeconds, `rate limit of ${perMinute} ${scope} requests per minute for this ${caller.noun}: retry in ${allowed.retryAfterSeconds} s`);
      }
      if (release) res.once('close', release);
      next();
    })().catch((error: unknown) => sendError(res, error));
  };
}

/** The API key when the request sends one (checked for this project and scope), else the session's user. */
async function callerOf(deps: AppDeps, req: Request, res: Response, scope: string): Promise<{ id: string; noun: 'key' | 'user' } | undefined> {
  if (req.headers.authorization !== undefined) {
    const { projectId } = Params.parse(req.params);
    const key = await authenticateApiKey(deps, req.headers.authorization, projectId, scope);
    return { id: `key:${key.id}`, noun: 'key' };
  }
  const user = res.locals.user as User | undefined;
  return user ? { id: `user:${user.id}`, noun: 'user' } : undefined;
}

function tooMany(res: Response, retryAfterSeconds: number, message: string): AppError {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  return new AppError('TOO_MANY', message);
}
