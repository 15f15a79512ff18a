import type { Request, Response, NextFunction } from 'express';
import { parse as parseCookies, serialize } from 'cookie';
import type { User } from '#db/users.ts';
import type { AppDeps } from '../deps.ts';
import type { CookieJar } from '../context.ts';
import { findUserBySessionToken } from '../auth/auth.service.ts';

export const SESSION_COOKIE = 'sift_session';

declare module 'express-serve-static-core' {
  interface Locals {
    user?: User;
    sessionToken?: string;
  }
}

export function readSessionToken(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parseCookies(cookieHeader)[SESSION_COOKIE] : undefined;
}

/** Resolves the session cookie to a user once per request (res.locals.user). */
export function sessionMiddleware(deps: AppDeps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    try {
      const token = readSessionToken(req.headers.cookie);
      res.locals.sessionToken = token;
      res.locals.user = await findUserBySessionToken(deps, token);
      next();
    } catch (error) {
      next(error);
    }
  };
}

/**
 * HTTP-only, SameSite=Lax session cookie; Secure when configured, or when the request came over
 * HTTPS (directly, or through a proxy on loopback that says so in X-Forwarded-Proto).
 */
export function cookieJarFor(res: Response, secure: boolean): CookieJar {
  return {
    setSession(token, expiresAt) {
      res.append('Set-Cookie', serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt }));
    },
    clearSession() {
      res.append('Set-Cookie', serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 }));
    },
  };
}
