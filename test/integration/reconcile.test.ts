/**
 * The trainer's reconcile job asks again for work whose trigger was lost (Redis down when the
 * labels came in): training for projects with unused, trainable label changes that have gone
 * quiet, embedding for projects with unembedded samples.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { upsertAnnotation } from '#db/annotations.ts';
import { upsertEmbeddings } from '#db/embeddings.ts';
import { listLabels } from '#db/labels.ts';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { insertUser } from '#db/users.ts';
import { createEncoderPool } from '#trainer/encoder-pool.ts';
import { createJobSystem, type JobSystem } from '#trainer/jobs/queue.ts';
import { createReconcileProcessor } from '#trainer/jobs/reconcile.processor.ts';
import { TRAIN_QUEUE } from '#trainer/jobs/train.job.ts';
import { EMBED_QUEUE } from '#trainer/jobs/embed.job.ts';
import { createTestDatabase, databaseBackends, redisUrl, uniqueName, type TestDatabase } from '#test/setup/databases.ts';

describe.each(databaseBackends())('reconcile on %s', (backend) => {
  let database: TestDatabase;
  let jobs: JobSystem;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
    jobs = createJobSystem({ redisUrl: redisUrl(), databaseUrl: database.connectionString, embedded: backend === 'pglite', prefix: uniqueName('rec') });
  }, 60_000);
  afterAll(async () => {
    await jobs?.close();
    await database?.close();
  });

  it('asks for training once labels have gone quiet and can train, and for embedding of unembedded samples', async () => {
    const user = await insertUser(database.db, { email: `r-${backend}@example.test`, name: 'R', passwordHash: 'x' });
    const project = await insertProject(database.db, { name: 'R', dataType: 'text', createdBy: user.id, labels: [{ name: 'a', shortcut: '1' }, { name: 'b', shortcut: '2' }] });
    const batch = await insertImportBatch(database.db, { projectId: project.id, createdBy: user.id, fileName: 'r', format: 'csv', rowCount: 5 });
    const sampleIds = await insertSamples(database.db, project.id, batch, [0, 1, 2, 3, 4].map((i) => ({ text: `r${i}`, metadata: {}, contentHash: `rec-${backend}-${i}` })));
    const [a, b] = await listLabels(database.db, project.id);
    const label = (i: number, labelId: number) => upsertAnnotation(database.db, { projectId: project.id, sampleId: sampleIds[i]!, userId: user.id, labelId, durationMs: 1, overlap: 1 });
    const reconcile = (nowMs: number, reason: 'manual' | 'reconnect' = 'manual') =>
      createReconcileProcessor({ db: database.db, jobs, encoders: createEncoderPool({}), now: () => new Date(nowMs) })({ data: { reason } } as Job);

    // Three labels, one class with two: not trainable yet.
    await label(0, a!.id);
    await label(1, a!.id);
    await label(2, b!.id);
    expect((await reconcile(Date.now() + 120_000)).training).toEqual([]);
    await label(3, b!.id);
    // Two of each, but their samples are not embedded: a training run could only skip, so it is
    // not asked for (every minute); their embedding is.
    const waiting = await reconcile(Date.now() + 120_000);
    expect(waiting.training).toEqual([]);
    expect(waiting.embedding).toContain(project.id);
    const vectors = [0, 1, 2, 3].map((i) => ({ sampleId: sampleIds[i]!, projectId: project.id, encoder: 'test-4', vector: Float32Array.from([1, i, 0, 0]) }));
    await upsertEmbeddings(database.db, vectors);
    // Trainable, but the labels are too fresh: the debounced trigger is still in charge.
    expect((await reconcile(Date.now())).training).toEqual([]);
    // Unless Redis just came back: the debounced trigger may have been lost with it.
    expect((await reconcile(Date.now(), 'reconnect')).training).toEqual([project.id]);
    const result = await reconcile(Date.now() + 120_000);
    expect(result.training).toEqual([project.id]);
    expect(result.embedding).toContain(project.id);
    const trainJobs = await jobs.queue(TRAIN_QUEUE).getJobs(['waiting', 'delayed', 'prioritized']);
    expect(trainJobs.map((j) => (j.data as { projectId: number }).projectId)).toContain(project.id);
    const embedJobs = await jobs.queue(EMBED_QUEUE).getJobs(['waiting', 'delayed', 'prioritized']);
    expect(embedJobs.map((j) => (j.data as { projectId: number }).projectId)).toContain(project.id);
  });
});
