/**
 * Polls `find` every 20 ms until it returns a value; rejects naming `what` after `timeoutMs`
 * (a function is called at timeout, so the message can describe the state then).
 */
export function waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string | (() => string) = 'a value'): Promise<T> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      const found = find();
      if (found !== undefined) return resolve(found);
      if (Date.now() - started > timeoutMs) return reject(new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

/**
 * `waitFor` for answers that take a round trip (a query, an HTTP request): polls `find` every
 * 100 ms, one call at a time; a call that throws counts as no answer yet.
 */
export async function waitForAsync<T>(find: () => Promise<T | undefined>, timeoutMs: number, what: string | (() => string) = 'a value'): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await find().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'function' ? what() : what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
