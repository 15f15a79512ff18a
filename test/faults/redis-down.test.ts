/**
 * Redis dies (SIGKILL) while a team labels, and comes back empty, as a Redis without persistence
 * does: labeling keeps working and stays live (labels are in PostgreSQL), health says degraded,
 * and once Redis is back the trainer (its own process) catches up and trains on every label given
 * during the outage.
 */
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { databaseBackends } from '#test/setup/databases.ts';
import { TestClient } from '#test/setup/http.ts';
import { canRunPrivateRedis, startPrivateRedis, type PrivateRedis } from '#test/setup/private-redis.ts';
import { emitWithAck, nextMessage, openSocket } from '#test/setup/sockets.ts';
import { startTrainerProcess } from '#test/setup/trainer-process.ts';
import { buildUser } from '#test/factories/users.ts';
import { banking77Rows, toCsv } from '#test/factories/banking77.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card'];

interface Version {
  version: number;
  labelCount: number;
}

async function poll<T>(what: string, find: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await find().catch(() => undefined);
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

describe.runIf(databaseBackends().includes('postgres') && canRunPrivateRedis)('redis down while labeling', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let trainer: ChildProcess & { output: string[] };
  const sockets: Socket[] = [];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    app = await startTestApp('postgres', { redisUrl: redis.url });
    trainer = await startTrainerProcess({
      DATABASE_URL: app.database.connectionString,
      REDIS_URL: redis.url,
      SIFT_QUEUE_PREFIX: app.deps.env.SIFT_QUEUE_PREFIX,
      SIFT_TF_BACKEND: 'wasm',
      // Tests share the machine with other tests, not with labeling: no reason to run behind them.
      SIFT_TRAINER_NICE: '0',
    });
  }, 120_000);
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    trainer?.kill('SIGKILL');
    await app?.close().catch(() => undefined);
    await redis?.destroy();
  });

  it('keeps labeling live through the outage and trains on its labels once Redis is back', async () => {
    const owner = new TestClient(app.baseUrl);
    const watcher = new TestClient(app.baseUrl);
    const watcherInput = buildUser();
    await owner.mutate('auth.signUp', buildUser());
    await watcher.mutate('auth.signUp', watcherInput);
    const project = await owner.mutate<{ id: number }>('projects.create', { name: 'Outage', dataType: 'text', labels: CATEGORIES.map((name) => ({ name })) });
    const projectId = project.id;
    const invite = await owner.mutate<{ token: string }>('projects.invite', { projectId, email: watcherInput.email, role: 'annotator' });
    await watcher.mutate('projects.acceptInvite', { token: invite.token });
    await owner.mutate('models.updateSettings', { projectId, settings: { trainEveryLabels: 6, trainAfterSeconds: 3600 } });
    expect((await owner.upload(`/api/v1/projects/${projectId}/import`, [{ name: 'b.csv', data: toCsv(banking77Rows(CATEGORIES, 10)) }])).status).toBe(200);
    await poll('embeddings', async () => {
      const { embedding } = await owner.query<{ embedding: { total: number; embedded: number } }>('models.status', { projectId });
      return embedding.total === 30 && embedding.embedded === 30 ? true : undefined;
    }, 120_000);
    const { labels } = await owner.query<{ labels: { id: number; name: string }[] }>('projects.get', { projectId });
    const socket = await openSocket(app, watcher);
    sockets.push(socket);
    expect(await emitWithAck(socket, 'project:join', { projectId })).toMatchObject({ ok: true });

    /** Labels the next sample with its true category; resolves with the time the call took. */
    const labelNext = async () => {
      const started = Date.now();
      const sample = await owner.query<{ id: number; metadata: { category: string } }>('labeling.next', { projectId });
      const heard = nextMessage<{ type: string; data: { sampleId: number } }>(socket, 'event', (e) => e.type === 'annotation.changed' && e.data.sampleId === sample.id, 3000);
      const labelId = labels.find((l) => l.name === sample.metadata.category)!.id;
      await owner.mutate('labeling.annotate', { projectId, sampleId: sample.id, labelId, durationMs: 400 });
      await heard;
      return Date.now() - started;
    };
    const versions = () => owner.query<{ versions: Version[] }>('models.list', { projectId }).then((r) => r.versions);

    for (let i = 0; i < 6; i += 1) await labelNext();
    await poll('version 1', async () => ((await versions()).some((v) => v.labelCount === 6) ? true : undefined), 90_000);

    await redis.kill();
    const health = await poll('a degraded /healthz', async () => {
      const res = await owner.request('/healthz');
      return res.status === 503 ? ((await res.json()) as { status: string; queue: { ok: boolean }; database: { ok: boolean } }) : undefined;
    }, 10_000);
    expect(health).toMatchObject({ status: 'degraded', queue: { ok: false }, database: { ok: true } });
    // Labeling neither fails nor waits on the queue, and the other member still sees each label.
    const took: number[] = [];
    for (let i = 0; i < 6; i += 1) took.push(await labelNext());
    expect(Math.max(...took)).toBeLessThan(2500);
    const stored = await app.database.db.selectFrom('annotation').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(12);

    await redis.start();
    await poll('a healthy /healthz', async () => ((await owner.request('/healthz')).status === 200 ? true : undefined), 20_000);
    // Nothing was queued for the outage's labels, and the restarted Redis is empty: the trainer's
    // reconnect must notice and train on all twelve.
    const caughtUp = await poll('a version with the outage labels', async () => (await versions()).find((v) => v.labelCount === 12), 30_000).catch((error: Error) => {
      throw new Error(`${error.message}\ntrainer output:\n${trainer.output.join('').slice(-4000)}`);
    });
    expect(caughtUp.version).toBeGreaterThan(1);
  }, 300_000);
});
