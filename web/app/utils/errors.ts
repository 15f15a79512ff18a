import { isTRPCClientError } from '@trpc/client';

const offlineMessage = "Can't reach the server. Check your connection and try again; nothing was lost.";

/** A message a person can act on, for any error the browser's tRPC client or fetch throws. */
export function describeError(error: unknown): string {
  if (isTRPCClientError(error)) {
    const code = (error.data as { code?: string } | undefined)?.code;
    if (code === 'UNAUTHORIZED') return 'Your session has ended. Log in again to continue.';
    if (!code && error.cause instanceof TypeError) return offlineMessage;
    if (!code && /fetch|network/i.test(error.message)) return offlineMessage;
    return error.message;
  }
  if (error instanceof TypeError) return offlineMessage;
  if (error instanceof Error) return error.message;
  return 'Something went wrong.';
}

/** The tRPC error code ('FORBIDDEN', 'NOT_FOUND' …) when the server answered with one. */
export function errorCodeOf(error: unknown): string | undefined {
  return isTRPCClientError(error) ? (error.data as { code?: string } | undefined)?.code : undefined;
}
