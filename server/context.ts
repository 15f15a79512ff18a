import type { User } from '#db/users.ts';
import type { AppDeps } from './deps.ts';

/** Cookie writes go through the transport that created the context (Express response or test stub). */
export interface CookieJar {
  setSession(token: string, expiresAt: Date): void;
  clearSession(): void;
}

export interface Context {
  deps: AppDeps;
  user: User | undefined;
  sessionToken: string | undefined;
  /** Identifies the client for rate limits (IP address). */
  clientKey: string;
  cookies: CookieJar;
}

const noCookies: CookieJar = { setSession() {}, clearSession() {} };

/** Builds a context from parts; used by the HTTP adapter, Remix loaders and tests alike. */
export function createContextInner(input: {
  deps: AppDeps;
  user?: User;
  sessionToken?: string;
  clientKey?: string;
  cookies?: CookieJar;
}): Context {
  return {
    deps: input.deps,
    user: input.user,
    sessionToken: input.sessionToken,
    clientKey: input.clientKey ?? 'local',
    cookies: input.cookies ?? noCookies,
  };
}
