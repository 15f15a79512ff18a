import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SiftEvent } from '#trainer/jobs/events.ts';
import { createJobSystem, type JobSystem } from '#trainer/jobs/queue.ts';
import { startTrainerWorkers } from '#trainer/workers.ts';
import { createEncoderPool } from '#trainer/encoder-pool.ts';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import { SHARED_IMAGE_MODEL_DIR } from '#trainer/ml/encoders/shared-datasets.ts';
import { startTestApp, type TestApp } from '#test/setup/app.ts';
import { redisUrl, uniqueName } from '#test/setup/databases.ts';
import { TestClient } from '#test/setup/http.ts';
import { waitFor } from '#test/setup/wait.ts';
import { buildUser } from '#test/factories/users.ts';
import { encodePng } from '#test/factories/images.ts';

/**
 * Image projects: without SIFT_IMAGE_MODEL_DIR the embed job stops with a clear reason (and the
 * server keeps running); with it, images are embedded with MobileNet and cached by content.
 */
describe('embedding an image project', () => {
  let app: TestApp;
  let client: TestClient;
  const events: SiftEvent[] = [];
  const extraJobs: JobSystem[] = [];

  beforeAll(async () => {
    app = await startTestApp('pglite');
    await initTensorBackend({ log: () => undefined });
    app.deps.bus.subscribe((event) => events.push(event));
    client = new TestClient(app.baseUrl);
    await client.mutate('auth.signUp', buildUser());
  }, 120_000);
  afterAll(async () => {
    await Promise.all(extraJobs.map((j) => j.close()));
    await app?.close();
  });

  async function importImages(name: string): Promise<number> {
    const project = await client.mutate<{ id: number }>('projects.create', { name, dataType: 'image', labels: [{ name: 'small' }, { name: 'large' }] });
    const files = [encodePng(8, 8), encodePng(12, 9), encodePng(30, 20)].map((data, i) => ({ field: 'files', name: `img${i}.png`, data }));
    const res = await client.upload(`/api/v1/projects/${project.id}/import`, files);
    expect(await res.json()).toMatchObject({ imported: 3 });
    return project.id;
  }

  it('says why it cannot embed when no image model is configured', async () => {
    // A trainer whose encoder pool has no image model directory, on its own queue prefix.
    // Same backend and prefix as the app's queue, so the import's embed job reaches this trainer.
    const jobs = createJobSystem({ redisUrl: redisUrl(), databaseUrl: app.database.connectionString, embedded: true, prefix: app.deps.env.SIFT_QUEUE_PREFIX });
    extraJobs.push(jobs);
    await startTrainerWorkers({ db: app.deps.db, jobs, bus: app.deps.bus, encoders: createEncoderPool({}), backend: () => 'wasm' });
    const projectId = await importImages('No model');
    const blocked = await waitFor(() => events.find((e) => e.type === 'embed.blocked' && e.projectId === projectId), 30_000, 'embed.blocked');
    expect(String(blocked.data.reason)).toMatch(/SIFT_IMAGE_MODEL_DIR/);
    const status = await client.query<{ imageModel: { ok: boolean; reason?: string } }>('models.status', { projectId });
    expect(status.imageModel.ok).toBe(false);
    const health = (await (await client.request('/healthz')).json()) as { encoders: { image: { ok: boolean } } };
    expect(health.encoders.image.ok).toBe(false);
    await jobs.close();
    extraJobs.pop();
  });

  it('embeds images with MobileNet when the model directory is configured', async () => {
    const jobs = createJobSystem({ redisUrl: redisUrl(), databaseUrl: app.database.connectionString, embedded: true, prefix: uniqueName('img') });
    extraJobs.push(jobs);
    const deps = { ...app.deps, jobs };
    await startTrainerWorkers({ db: app.deps.db, jobs, bus: app.deps.bus, encoders: createEncoderPool({ imageModelDir: SHARED_IMAGE_MODEL_DIR }), backend: () => 'wasm' });
    const project = await client.mutate<{ id: number }>('projects.create', { name: 'With model', dataType: 'image', labels: [{ name: 'a' }, { name: 'b' }] });
    const files = [encodePng(9, 9), encodePng(16, 10)].map((data, i) => ({ field: 'files', name: `x${i}.png`, data }));
    await client.upload(`/api/v1/projects/${project.id}/import`, files);
    // The server enqueued on the app's queue prefix; ask this trainer's queue directly as well.
    const { requestEmbedding } = await import('#trainer/jobs/triggers.ts');
    await requestEmbedding(deps.jobs, project.id);
    await waitFor(() => events.find((e) => e.type === 'embed.completed' && e.projectId === project.id), 60_000, 'embed.completed');
    const rows = await app.deps.db.selectFrom('embedding').select(['encoder', 'dims']).where('project_id', '=', project.id).execute();
    expect(rows).toEqual([
      { encoder: 'mobilenet-v1-0.25-224', dims: 256 },
      { encoder: 'mobilenet-v1-0.25-224', dims: 256 },
    ]);
  }, 120_000);
});
