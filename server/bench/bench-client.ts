/** What the benchmarks use to drive a running server: a cookie-keeping tRPC client and a poller. */

/** A session-cookie client for the tRPC API and uploads of one server. */
export function benchClient(base: string) {
  let cookie = '';
  const call = async <T>(url: string, init: RequestInit): Promise<T> => {
    const res = await fetch(`${base}${url}`, { ...init, headers: { ...(init.headers as Record<string, string>), cookie } });
    for (const line of res.headers.getSetCookie()) cookie = line.split(';')[0]!;
    const body = (await res.json()) as { result?: { data: T }; error?: unknown };
    if (!res.ok || !body.result) throw new Error(`${url}: ${res.status} ${JSON.stringify(body.error).slice(0, 200)}`);
    return body.result.data;
  };
  return {
    cookie: () => cookie,
    mutate: <T>(procedure: string, input: unknown) => call<T>(`/api/trpc/${procedure}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) }),
    query: <T>(procedure: string, input: unknown) => call<T>(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`, {}),
    async upload(url: string, name: string, data: string) {
      const form = new FormData();
      form.append('file', new Blob([data]), name);
      const res = await fetch(`${base}${url}`, { method: 'POST', body: form, headers: { cookie } });
      if (!res.ok) throw new Error(`upload: ${res.status} ${await res.text()}`);
    },
  };
}

/** Polls `check` every 500 ms until it returns a value (its errors count as "not yet"). */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await check().catch(() => undefined);
    if (found !== undefined) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
