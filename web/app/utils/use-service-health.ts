import { useEffect, useState } from 'react';

/** What the degraded-service banner says, or null while everything answers. */
export type ServiceProblem = 'database' | 'queue' | null;

const CHECK_EVERY_MS = 15_000;

/** Reads `/healthz` now and every 15 s: which dependency, if any, the server cannot reach. */
export function readHealth(body: unknown): ServiceProblem {
  const health = body as { database?: { ok?: boolean }; queue?: { ok?: boolean } } | null;
  if (health?.database?.ok === false) return 'database';
  if (health?.queue?.ok === false) return 'queue';
  return null;
}

export function useServiceHealth(): ServiceProblem {
  const [problem, setProblem] = useState<ServiceProblem>(null);
  useEffect(() => {
    let stopped = false;
    const check = () =>
      fetch('/healthz', { cache: 'no-store' })
        .then((res) => res.json())
        .then((body: unknown) => !stopped && setProblem(readHealth(body)))
        // No answer at all: the server itself is restarting; the socket status says so already.
        .catch(() => undefined);
    void check();
    const timer = setInterval(check, CHECK_EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  return problem;
}
