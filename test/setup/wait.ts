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
