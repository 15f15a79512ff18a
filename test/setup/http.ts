/** A tiny HTTP client for tests that keeps the session cookie like a browser would. */
export class TestClient {
  cookie = '';
  constructor(readonly baseUrl: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const res = await fetch(`${this.baseUrl}${path}`, { ...init, headers, redirect: 'manual' });
    const setCookie = res.headers.getSetCookie();
    for (const line of setCookie) {
      const pair = line.split(';')[0]!;
      this.cookie = pair.endsWith('=') ? '' : pair;
    }
    return res;
  }

  /** Calls a tRPC mutation over HTTP; returns the JSON result data or throws the error message. */
  async mutate<T = unknown>(procedure: string, input: unknown): Promise<T> {
    const res = await this.request(`/api/trpc/${procedure}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
    const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
    if (!res.ok || !body.result) throw new Error(`${procedure} failed (${res.status}): ${body.error?.message}`);
    return body.result.data;
  }

  async query<T = unknown>(procedure: string, input: unknown): Promise<T> {
    const res = await this.request(`/api/trpc/${procedure}?input=${encodeURIComponent(JSON.stringify(input))}`);
    const body = (await res.json()) as { result?: { data: T }; error?: { message: string } };
    if (!res.ok || !body.result) throw new Error(`${procedure} failed (${res.status}): ${body.error?.message}`);
    return body.result.data;
  }

  upload(path: string, files: { field?: string; name: string; data: Buffer | string }[], fields: Record<string, string> = {}): Promise<Response> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const f of files) form.append(f.field ?? 'file', new Blob([typeof f.data === 'string' ? f.data : new Uint8Array(f.data)]), f.name);
    return this.request(path, { method: 'POST', body: form });
  }
}
