/**
 * Errors that mean "the database (or queue) cannot be reached right now", as opposed to a bug:
 * they answer 503 with a clear message, and the server keeps running and recovers by itself when
 * the service returns (the pool reconnects on the next query).
 */
import { AppError } from '../errors.ts';

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08006']);
const CONNECTION_MESSAGES = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection/i;

/** The error as an UNAVAILABLE AppError if it is a lost or refused connection, else undefined. */
export function asUnavailable(error: unknown): AppError | undefined {
  if (error instanceof AppError || typeof error !== 'object' || error === null) return undefined;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const lost = (typeof code === 'string' && CONNECTION_CODES.has(code)) || (typeof message === 'string' && CONNECTION_MESSAGES.test(message));
  return lost ? new AppError('UNAVAILABLE', 'the database cannot be reached right now; try again in a moment') : undefined;
}
