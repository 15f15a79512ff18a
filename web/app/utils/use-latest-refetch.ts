import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { describeError } from './errors.ts';
import { throttle } from './throttle.ts';

/**
 * A view refetched from the server, at most once per `everyMs` however many events ask for it.
 * Responses can overtake each other, so only the newest request's answer is `apply`-ed. A failure
 * is kept as `error` (the view may be stale; the next event or reconnect retries) until a fetch
 * succeeds. `supersede()` drops any answer still on its way, for when the caller has just set
 * newer data itself. `load` and `apply` must be stable (useCallback), as the throttle is made from them.
 */
export function useLatestRefetch<T>(load: () => Promise<T>, apply: (value: T) => void, everyMs: number) {
  const [error, setError] = useState<string | null>(null);
  const sequence = useRef(0);

  const fetchNow = useCallback(async () => {
    const mine = ++sequence.current;
    try {
      const value = await load();
      if (mine !== sequence.current) return;
      apply(value);
      setError(null);
    } catch (err) {
      if (mine === sequence.current) setError(describeError(err));
    }
  }, [load, apply]);

  const throttled = useMemo(() => throttle(() => void fetchNow(), everyMs), [fetchNow, everyMs]);
  useEffect(() => () => throttled.cancel(), [throttled]);

  const supersede = useCallback(() => {
    sequence.current += 1;
  }, []);

  return { error, refetch: throttled.call, supersede };
}
