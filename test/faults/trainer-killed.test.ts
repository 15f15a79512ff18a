/**
 * The trainer process is killed (SIGKILL) in the middle of an embedding job; a new trainer picks
 * the job up again (BullMQ notices the stalled job when its lock lapses) and finishes it: every
 * sample ends up with exactly one embedding, none lost, none doubled.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { insertUser } from '#db/users.ts';
import { createJobSystem, type JobSystem } from '#trainer/jobs/queue.ts';
import { requestEmbedding } from '#trainer/jobs/triggers.ts';
import { banking77Rows } from '#test/factories/banking77.ts';
import { createTestDatabase, databaseBackends, redisUrl, uniqueName, type TestDatabase } from '#test/setup/databases.ts';

/** Starts `npm run trainer`'s entry as its own process; resolves once it says it is ready. */
function startTrainer(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'trainer/index.ts'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('[trainer] ready')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`trainer exited (${code}) before it was ready:\n${output}`)));
  });
}

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
  const trainers: ChildProcess[] = [];
  const prefix = uniqueName('fault');

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    jobs = createJobSystem({ redisUrl: redisUrl(), databaseUrl: database.connectionString, embedded: false, prefix });
  }, 60_000);
  afterAll(async () => {
    for (const trainer of trainers) trainer.kill('SIGKILL');
    await jobs?.close();
    await database?.close();
  });

  it('resumes an embedding job after SIGKILL and embeds every sample exactly once', async () => {
    const user = await insertUser(database.db, { email: 'k@example.test', name: 'K', passwordHash: 'x' });
    const project = await insertProject(database.db, { name: 'Kill', dataType: 'text', createdBy: user.id, labels: [] });
    const texts = [...new Set(banking77Rows(['card_arrival', 'exchange_rate', 'top_up_failed', 'pin_blocked'], 150).map((r) => r.text))];
    const batch = await insertImportBatch(database.db, { projectId: project.id, createdBy: user.id, fileName: 'k.csv', format: 'csv', rowCount: texts.length });
    await insertSamples(database.db, project.id, batch, texts.map((text, i) => ({ text, metadata: {}, contentHash: `kill-${i}` })));
    const env = { DATABASE_URL: database.connectionString, REDIS_URL: redisUrl()!, SIFT_QUEUE_PREFIX: prefix, SIFT_TF_BACKEND: 'wasm' };

    trainers.push(await startTrainer(env));
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

    trainers.push(await startTrainer(env));
    let now = atKill;
    for (let tries = 0; tries < 180 && now.rows < texts.length; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      now = await countEmbeddings(database, project.id);
    }
    expect(now).toEqual({ rows: texts.length, samples: texts.length });
  }, 150_000);
});
