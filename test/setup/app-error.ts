import { AppError } from '#server/errors.ts';

/** Runs `fn`, expecting an AppError, and returns it so its code and message can be asserted. */
export function catchAppError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}

/** Awaits `fn()`, expecting it to reject with an AppError, and returns that error. */
export async function catchAppErrorAsync(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an AppError');
}
