/**
 * Rate and concurrency limits on the data transfer routes: imports and exports with real API keys
 * and sessions, under a tiny allowance, answer 429 with Retry-After in the prediction API's shape.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSamples } from '#db/samples.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import type { TestClient } from '#test/setup/http.ts';
import { signedInClient } from '#test/factories/team.ts';

const RATE = 4;
const CONCURRENT = 2;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface ErrorBody {
  error: { code: string; message: string };
}

describe.each(databaseBackends())('export and import limits on %s', (backend) => {
  let app: TestApp;
  let owner: TestClient;
  let projectId: number;
  let rows = 0;

  beforeAll(async () => {
    app = await startTestApp(backend, { env: { SIFT_TRANSFER_RATE_PER_MINUTE: String(RATE), SIFT_EXPORT_CONCURRENCY: String(CONCURRENT) } });
    owner = await signedInClient(app);
    projectId = (await owner.mutate<{ id: number }>('projects.create', { name: 'Limits', dataType: 'text', labels: [{ name: 'a' }, { name: 'b' }] })).id;
  });
  afterAll(() => app?.close());

  const newKey = async (scopes: string[]) => (await owner.mutate<{ key: string }>('apiKeys.create', { projectId, name: 'limits', scopes })).key;
  const exportWith = (key: string) => fetch(`${app.baseUrl}/api/v1/projects/${projectId}/export?format=jsonl`, { headers: { authorization: `Bearer ${key}` } });
  const importWith = (key: string) => {
    const form = new FormData();
    form.append('file', new Blob([`text\nrow ${(rows += 1)}\n`]), 'a.csv');
    return fetch(`${app.baseUrl}/api/v1/projects/${projectId}/import`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  };
  async function expectTooMany(res: Response, message: RegExp): Promise<number> {
    expect(res.status).toBe(429);
    expect(((await res.json()) as ErrorBody).error).toEqual({ code: 'TOO_MANY', message: expect.stringMatching(message) });
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1).toBe(true);
    return retryAfter;
  }

  it('gives each key its allowance of imports, then 429 with Retry-After, importing nothing', async () => {
    const key = await newKey(['import', 'export']);
    for (let i = 0; i < RATE; i += 1) expect((await importWith(key)).status).toBe(200);
    const before = await countSamples(app.deps.db, projectId);
    const retryAfter = await expectTooMany(await importWith(key), new RegExp(`^rate limit of ${RATE} import requests per minute for this key: retry in \\d+ s$`));
    // One token every 60/RATE seconds.
    expect(retryAfter).toBeLessThanOrEqual(60 / RATE);
    expect(await countSamples(app.deps.db, projectId)).toBe(before);
    // Exports are counted apart, and other keys have their own allowance.
    expect((await exportWith(key)).status).toBe(200);
    expect((await importWith(await newKey(['import']))).status).toBe(200);
  });

  it('limits a signed-in user by user id, previews included; their keys are counted apart', async () => {
    const key = await newKey(['import']);
    const preview = () => owner.upload(`/api/v1/projects/${projectId}/import/preview`, [{ name: 'p.csv', data: 'text\npreview\n' }]);
    for (let i = 0; i < RATE; i += 1) expect((await preview()).status).toBe(200);
    await expectTooMany(await preview(), /^rate limit of \d+ import requests per minute for this user/);
    await expectTooMany(await owner.upload(`/api/v1/projects/${projectId}/import`, [{ name: 'a.csv', data: 'text\nlate\n' }]), /for this user/);
    expect((await importWith(key)).status).toBe(200);
  });

  it('refuses a key a third export while two are streaming, and frees the slots when they end', async () => {
    const key = await newKey(['export']);
    // Also caches the key, so on PGlite (one backend) the limit check needs no query while the lock is held.
    expect((await exportWith(key)).status).toBe(200);
    let unlock!: () => void;
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    // Holds both exports at their first read of the samples, as a big export holds its slot mid-stream.
    const holding = app.deps.db.transaction().execute(async (trx) => {
      await sql`LOCK TABLE sample IN ACCESS EXCLUSIVE MODE`.execute(trx);
      locked();
      await new Promise<void>((resolve) => (unlock = resolve));
    });
    await lockTaken;
    const streaming = [exportWith(key), exportWith(key)];
    await pause(500);
    const third = await exportWith(key);
    unlock();
    await holding;
    const retryAfter = await expectTooMany(third, new RegExp(`^this key already has ${CONCURRENT} exports running, the most at once`));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    for (const res of await Promise.all(streaming)) {
      expect(res.status).toBe(200);
      await res.text();
    }
    // The slots free when the responses close (just after the client has the last byte).
    let fourth = await exportWith(key);
    for (let tries = 0; fourth.status === 429 && tries < 20; tries += 1) {
      await fourth.arrayBuffer();
      await pause(25);
      fourth = await exportWith(key);
    }
    expect(fourth.status).toBe(200);
    await fourth.text();
  });
});
