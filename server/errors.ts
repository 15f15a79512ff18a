/** The only error services throw; one table maps its code to tRPC codes and HTTP statuses. */
export type AppErrorCode = 'NOT_FOUND' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'CONFLICT' | 'INVALID' | 'TOO_LARGE' | 'UNAVAILABLE' | 'TOO_MANY';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const httpStatusOf: Record<AppErrorCode, number> = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHORIZED: 401,
  CONFLICT: 409,
  INVALID: 400,
  TOO_LARGE: 413,
  UNAVAILABLE: 503,
  TOO_MANY: 429,
};

export const trpcCodeOf = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  CONFLICT: 'CONFLICT',
  INVALID: 'BAD_REQUEST',
  TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  TOO_MANY: 'TOO_MANY_REQUESTS',
} as const satisfies Record<AppErrorCode, string>;
