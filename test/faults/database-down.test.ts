/**
 * PostgreSQL stops under a running server: API calls fail fast with 503 and a clear message, the
 * server stays up, and it serves normally again once the database is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { buildUser } from '#test/factories/users.ts';
import { canRunPrivatePostgres, startPrivatePostgres, type PrivatePostgres } from '#test/setup/private-postgres.ts';

describe.runIf(canRunPrivatePostgres || process.env.CI)('database down', () => {
  let postgres: PrivatePostgres;
  let app: TestApp;
  let client: TestClient;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    app = await startTestApp('postgres', { postgresAdminUrl: postgres.url });
    client = new TestClient(app.baseUrl);
    await client.mutate('auth.signUp', buildUser());
    await client.mutate('projects.create', { name: 'Durable', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] });
  }, 120_000);
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    postgres?.destroy();
  });

  it('answers 503 fast while PostgreSQL is stopped and recovers when it returns', async () => {
    postgres.stop();
    const started = Date.now();
    const res = await client.request(`/api/trpc/projects.list?input=${encodeURIComponent('{}')}`);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { error: { message: string } };
    expect(body.error.message).toMatch(/database cannot be reached/);
    const health = await client.request('/healthz');
    expect(health.status).toBe(503);
    expect(((await health.json()) as { database: { ok: boolean } }).database.ok).toBe(false);

    postgres.start();
    let projects: unknown[] | undefined;
    for (let tries = 0; tries < 40 && !projects; tries += 1) {
      projects = await client.query<unknown[]>('projects.list', {}).catch(() => undefined);
      if (!projects) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(projects).toHaveLength(1);
    expect((await client.request('/healthz')).status).toBe(200);
  }, 60_000);
});
