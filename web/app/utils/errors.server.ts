import { redirect } from '@remix-run/node';
import { loginPathFor } from './session.server.ts';

/** What the server-side tRPC caller throws (TRPCError), matched by shape so no server code is imported. */
interface CallerError extends Error {
  code: string;
  cause?: unknown;
}

function isCallerError(error: unknown): error is CallerError {
  return error instanceof Error && error.name === 'TRPCError' && typeof (error as { code?: unknown }).code === 'string';
}

const statusOf: Record<string, number> = {
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
  SERVICE_UNAVAILABLE: 503,
};

/**
 * Runs a loader's call through the caller. Expected failures become responses the route's
 * ErrorBoundary shows (403, 404 …) and a lost session becomes a redirect to log in; anything
 * else is a bug and propagates unchanged.
 */
export async function loadOrThrow<T>(request: Request, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (!isCallerError(error)) throw error;
    if (error.code === 'UNAUTHORIZED') throw redirect(loginPathFor(request));
    const status = statusOf[error.code];
    if (!status) throw error;
    throw new Response(error.message, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  }
}

export interface FormErrors {
  formError: string | null;
  fieldErrors: Record<string, string[] | undefined>;
}

interface FlattenableError {
  flatten(): { formErrors: string[]; fieldErrors: Record<string, string[] | undefined> };
}

function isFlattenable(cause: unknown): cause is FlattenableError {
  return typeof cause === 'object' && cause !== null && typeof (cause as { flatten?: unknown }).flatten === 'function';
}

/**
 * Turns a failed mutation into messages for a form: zod issues per field (the caller validates
 * the input) or the service's message. Unexpected errors are rethrown for the ErrorBoundary.
 */
export function formErrorsOf(error: unknown): FormErrors {
  if (!isCallerError(error) || error.code === 'INTERNAL_SERVER_ERROR') throw error;
  if (isFlattenable(error.cause)) {
    const flat = error.cause.flatten();
    return { formError: flat.formErrors[0] ?? null, fieldErrors: flat.fieldErrors };
  }
  return { formError: error.message, fieldErrors: {} };
}
