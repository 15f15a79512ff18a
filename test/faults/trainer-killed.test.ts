/**
 * The trainer process is killed (SIGKILL) in the middle of an embedding job, and in the middle of a
 * training run; a new trainer picks the job up again (BullMQ notices the stalled job when its lock
 * lapses) and finishes it: every sample ends up with exactly one embedding, none lost, none
 * doubled; the killed run leaves no model version behind, and the retried run leaves exactly one.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { insertUser } from '#db/users.ts';
import { createJobSystem, type JobSystem } from '#trainer/jobs/queue.ts';
import { requestEmbedding, requestTraining } from '#trainer/jobs/triggers.ts';
import { createEventBus, type EventBus } from '#trainer/jobs/events.ts';
import { listLabels } from '#db/labels.ts';
import { upsertAnnotation } from '#db/annotations.ts';
import { banking77Rows } from '#test/factories/banking77.ts';
import { startTrainerProcess } from '#test/setup/trainer-process.ts';
import { createTestDatabase, databaseBackends, redisUrl, uniqueName, type TestDatabase } from '#test/setup/databases.ts';

async function countEmbeddings(database: TestDatabase, projectId: number): Promise<{ rows: number; samples: number }> {
  const row = await database.db
    .selectFrom('embedding')
    .select([(eb) => eb.fn.countAll<number>().as('rows'), (eb) => eb.fn.count<number>('sample_id').distinct().as('samples')])
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return { rows: Number(row.rows), samples: Number(row.samples) };
}

// Real PostgreSQL and Redis, as in production: the trainer is its own process there.
describe.runIf(databaseBackends().includes('postgres') && redisUrl())('trainer killed mid-job', () => {
  let database: TestDatabase;
  let jobs: JobSystem;
  let bus: EventBus;
  const trainers: ChildProcess[] = [];
  const prefix = uniqueName('fault');
  const env = () => ({ DATABASE_URL: database.connectionString, REDIS_URL: redisUrl()!, SIFT_QUEUE_PREFIX: prefix, SIFT_TF_BACKEND: 'wasm', SIFT_TRAIN_LOCK_SECONDS: '10', SIFT_TRAINER_NICE: '0' });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    jobs = createJobSystem({ redisUrl: redisUrl(), databaseUrl: database.connectionString, embedded: false, prefix });
    bus = await createEventBus({ redisUrl: redisUrl(), prefix });
  }, 60_000);
  afterAll(async () => {
    for (const trainer of trainers) trainer.kill('SIGKILL');
    await bus?.close();
    await jobs?.close();
    await database?.close();
  });

  it('resumes an embedding job after SIGKILL and embeds every sample exactly once', async () => {
    const user = await insertUser(database.db, { email: 'k@example.test', name: 'K', passwordHash: 'x' });
    const project = await insertProject(database.db, { name: 'Kill', dataType: 'text', createdBy: user.id, labels: [] });
    const texts = [...new Set(banking77Rows(['card_arrival', 'exchange_rate', 'top_up_failed', 'pin_blocked'], 150).map((r) => r.text))];
    const batch = await insertImportBatch(database.db, { projectId: project.id, createdBy: user.id, fileName: 'k.csv', format: 'csv', rowCount: texts.length });
    await insertSamples(database.db, project.id, batch, texts.map((text, i) => ({ text, metadata: {}, contentHash: `kill-${i}` })));

    trainers.push(await startTrainerProcess(env()));
    await requestEmbedding(jobs, project.id);
    // Kill it once it is part-way through.
    for (let tries = 0; tries < 600; tries += 1) {
      if ((await countEmbeddings(database, project.id)).rows >= 64) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    trainers[0]!.kill('SIGKILL');
    const atKill = await countEmbeddings(database, project.id);
    expect(atKill.rows).toBeGreaterThan(0);
    expect(atKill.rows).toBeLessThan(texts.length);

    trainers.push(await startTrainerProcess(env()));
    let now = atKill;
    for (let tries = 0; tries < 180 && now.rows < texts.length; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      now = await countEmbeddings(database, project.id);
    }
    expect(now).toEqual({ rows: texts.length, samples: texts.length });
  }, 150_000);

  it('retries a training run after SIGKILL: the killed run leaves no version, the retry exactly one, active', async () => {
    for (const trainer of trainers) trainer.kill('SIGKILL');
    const user = await insertUser(database.db, { email: 't@example.test', name: 'T', passwordHash: 'x' });
    const categories = ['card_arrival', 'exchange_rate', 'top_up_failed', 'pin_blocked'];
    const project = await insertProject(database.db, { name: 'Train', dataType: 'text', createdBy: user.id, labels: categories.map((name, i) => ({ name, shortcut: String(i + 1) })) });
    const rows = banking77Rows(categories, 80);
    const batch = await insertImportBatch(database.db, { projectId: project.id, createdBy: user.id, fileName: 't.csv', format: 'csv', rowCount: rows.length });
    const sampleIds = await insertSamples(database.db, project.id, batch, rows.map((r, i) => ({ text: r.text, metadata: {}, contentHash: `train-${i}` })));
    const labelIds = new Map((await listLabels(database.db, project.id)).map((l) => [l.name, l.id]));
    for (const [i, row] of rows.entries()) {
      await upsertAnnotation(database.db, { projectId: project.id, sampleId: sampleIds[i]!, userId: user.id, labelId: labelIds.get(row.category)!, durationMs: 1, overlap: 1 });
    }
    const versions = () => database.db.selectFrom('model_version').select(['id', 'status', 'label_count']).where('project_id', '=', project.id).execute();
    const heard: string[] = [];
    bus.subscribe((event) => event.projectId === project.id && heard.push(event.type));

    const first = await startTrainerProcess(env());
    trainers.push(first);
    await requestEmbedding(jobs, project.id);
    for (let tries = 0; tries < 240 && (await countEmbeddings(database, project.id)).rows < rows.length; tries += 1) await new Promise((r) => setTimeout(r, 250));
    await requestTraining(jobs, project.id, { delayMs: 0, triggeredAt: new Date() });
    for (let tries = 0; tries < 400 && !heard.includes('train.started'); tries += 1) await new Promise((r) => setTimeout(r, 25));
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(heard).toContain('train.started');
    // Killed before it could record anything (a run on 320 labels takes seconds).
    expect(await versions()).toEqual([]);

    trainers.push(await startTrainerProcess(env()));
    for (let tries = 0; tries < 240 && (await versions()).length === 0; tries += 1) await new Promise((r) => setTimeout(r, 250));
    await new Promise((r) => setTimeout(r, 2000));
    // The retried run records a version. (On a slow machine the new trainer's reconcile may also
    // ask for a run on the same labels: a second, equally whole version.) Every version is whole
    // — weights and out-of-fold rows for every label — and exactly one is live.
    const after = await versions();
    expect(after.length).toBeGreaterThanOrEqual(1);
    expect(after.filter((v) => v.status === 'active')).toHaveLength(1);
    for (const version of after) {
      expect(version.label_count).toBe(rows.length);
      const oof = await database.db.selectFrom('oof_prediction').select((eb) => eb.fn.countAll<number>().as('n')).where('model_version_id', '=', version.id).executeTakeFirstOrThrow();
      expect(Number(oof.n)).toBe(rows.length);
    }
  }, 150_000);
});
