/**
 * The trainer's memory ceiling (SIFT_TRAINER_MAX_RSS_MB) with real trainer processes: set to 1 MB,
 * every trainer is past it after its first job, so it takes no new jobs, finishes the one it runs
 * and exits with the restart code. Nothing is lost: the job it ran is completed, the jobs still
 * queued stay queued for the next trainer. As its own service (PostgreSQL + Redis) the next trainer
 * is started by the test, as compose would; as the server's child, the server's supervisor forks
 * it again and /healthz shows it ready, with its memory, and counts the restart. The periodic and
 * follow-up queues are paused so that the embedding jobs are the only work.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '#db/client.ts';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { insertUser, type User } from '#db/users.ts';
import { findTrainerHeartbeat } from '#db/trainer-heartbeat.ts';
import { createApp } from '#server/app.ts';
import { createContextInner } from '#server/context.ts';
import type { AppDeps } from '#server/deps.ts';
import type { TrainerMemory } from '#server/health/trainer-memory.service.ts';
import { createCaller } from '#server/router.ts';
import { startTrainerChild, type TrainerChild, type TrainerStatus } from '#server/trainer-process.ts';
import { CLEANUP_QUEUE } from '#trainer/jobs/cleanup.job.ts';
import { DRIFT_QUEUE } from '#trainer/jobs/drift.job.ts';
import { EMBED_QUEUE } from '#trainer/jobs/embed.job.ts';
import { createJobSystem, type JobSystem } from '#trainer/jobs/queue.ts';
import { RECONCILE_QUEUE } from '#trainer/jobs/reconcile.job.ts';
import { SCORE_QUEUE } from '#trainer/jobs/score.job.ts';
import { requestEmbedding } from '#trainer/jobs/triggers.ts';
import { TRAINER_RESTART_EXIT_CODE } from '#trainer/memory-ceiling.ts';
import { banking77Rows } from '#test/factories/banking77.ts';
import { createTestDeps } from '#test/setup/app.ts';
import { createTestDatabase, databaseBackends, redisUrl, uniqueName, type TestDatabase } from '#test/setup/databases.ts';
import { startTrainerProcess } from '#test/setup/trainer-process.ts';
import { waitFor, waitForAsync } from '#test/setup/wait.ts';

/** A text project of banking77 samples, none embedded yet. */
async function seedProject(db: Db, name: string, perLabel = 10): Promise<{ user: User; projectId: number; samples: number }> {
  const user = await insertUser(db, { email: `${name}@example.test`, name, passwordHash: 'x' });
  const project = await insertProject(db, { name, dataType: 'text', createdBy: user.id, labels: [] });
  const texts = [...new Set(banking77Rows(['card_arrival', 'exchange_rate', 'pin_blocked'], perLabel).map((r) => r.text))];
  const batch = await insertImportBatch(db, { projectId: project.id, createdBy: user.id, fileName: `${name}.csv`, format: 'csv', rowCount: texts.length });
  await insertSamples(db, project.id, batch, texts.map((text, i) => ({ text, metadata: {}, contentHash: `${name}-${i}` })));
  return { user, projectId: project.id, samples: texts.length };
}

async function countEmbedded(db: Db, projectId: number): Promise<number> {
  const row = await db.selectFrom('embedding').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Every embedding job's state by project, and how many jobs the embed queue holds active. */
async function embedJobs(jobs: JobSystem): Promise<{ byProject: Map<number, string>; active: number }> {
  const queue = jobs.queue<{ projectId: number }>(EMBED_QUEUE);
  const all = await queue.getJobs(['completed', 'waiting', 'active', 'failed', 'delayed', 'prioritized']);
  const byProject = new Map(await Promise.all(all.map(async (job) => [job.data.projectId, String(await job.getState())] as const)));
  return { byProject, active: await queue.getActiveCount() };
}

/** Leaves the embed queue as the trainer's only work: the schedules and the follow-ups wait. */
async function pauseOtherQueues(jobs: JobSystem): Promise<void> {
  for (const name of [RECONCILE_QUEUE, CLEANUP_QUEUE, SCORE_QUEUE, DRIFT_QUEUE]) await jobs.queue(name).pause();
}

const TRAINER_ENV = { SIFT_TF_BACKEND: 'wasm', SIFT_TRAINER_NICE: '0', SIFT_TRAINER_MAX_RSS_MB: '1' };

describe.runIf(databaseBackends().includes('postgres') && redisUrl())('memory ceiling: the trainer as its own service (PostgreSQL + Redis)', () => {
  let database: TestDatabase;
  let jobs: JobSystem;
  const prefix = uniqueName('mem');
  const trainers: Awaited<ReturnType<typeof startTrainerProcess>>[] = [];
  const env = (extra: Record<string, string> = {}) => ({ DATABASE_URL: database.connectionString, REDIS_URL: redisUrl()!, SIFT_QUEUE_PREFIX: prefix, ...TRAINER_ENV, ...extra });

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    jobs = createJobSystem({ redisUrl: redisUrl(), databaseUrl: database.connectionString, embedded: false, prefix });
    await pauseOtherQueues(jobs);
  });
  afterAll(async () => {
    for (const trainer of trainers) trainer.kill('SIGKILL');
    await jobs?.close();
    await database?.close();
  });

  it('finishes the job it runs, leaves the queued one queued, exits with the restart code; the next trainer runs the rest', async () => {
    const a = await seedProject(database.db, 'service_a');
    const b = await seedProject(database.db, 'service_b');
    // Both queued before the trainer starts: it embeds one at a time, so one waits.
    await requestEmbedding(jobs, a.projectId);
    await requestEmbedding(jobs, b.projectId);
    const first = await startTrainerProcess(env());
    trainers.push(first);

    const exit = await waitFor(() => (first.exitCode ?? first.signalCode ?? undefined), 120_000, () => `the trainer to exit; its output:\n${first.output.join('')}`);
    const output = first.output.join('');
    expect(exit, output).toBe(TRAINER_RESTART_EXIT_CODE);
    expect(output).toMatch(/\[trainer\] restarting for memory: RSS \d+ MB is above SIFT_TRAINER_MAX_RSS_MB \(1 MB\)/);
    const atExit = await embedJobs(jobs);
    expect(atExit.active).toBe(0);
    expect([...atExit.byProject.values()].sort()).toEqual(['completed', 'waiting']);
    const done = atExit.byProject.get(a.projectId) === 'completed' ? a : b;
    expect(await countEmbedded(database.db, done.projectId)).toBe(done.samples);
    const stopped = await findTrainerHeartbeat(database.db, prefix);
    expect(stopped).toMatchObject({ memoryRestarts: 1, reading: null, maxRssBytes: 1_048_576, lastMemoryRestart: { rssBytes: expect.any(Number) } });

    // Compose starts it again (here without a ceiling, so it stays) and the queued job runs.
    const second = await startTrainerProcess(env({ SIFT_TRAINER_MAX_RSS_MB: '0' }));
    trainers.push(second);
    await waitForAsync(async () => ([...(await embedJobs(jobs)).byProject.values()].every((state) => state === 'completed') ? true : undefined), 120_000, 'both embedding jobs to complete');
    expect(await countEmbedded(database.db, a.projectId)).toBe(a.samples);
    expect(await countEmbedded(database.db, b.projectId)).toBe(b.samples);
    const running = await waitForAsync(async () => {
      const heartbeat = await findTrainerHeartbeat(database.db, prefix);
      return heartbeat?.reading && heartbeat.pid === second.pid ? heartbeat : undefined;
    }, 30_000, "the new trainer's report");
    expect(running).toMatchObject({ memoryRestarts: 1, maxRssBytes: null });
    expect(running.reading!.rssBytes).toBeGreaterThan(10 * 1_048_576);
  }, 240_000);
});

type Health = { trainer: TrainerStatus & { memory: TrainerMemory | null } };

// The embedded setup: PGlite, BullMQ on PGlite, the trainer forked by the server's supervisor.
describe('memory ceiling: the trainer as the server child (embedded PGlite)', () => {
  let deps: AppDeps;
  let database: TestDatabase;
  let closeDeps: () => Promise<void>;
  let trainer: TrainerChild;
  let baseUrl: string;
  let closeHttp: () => Promise<void>;
  const health = async (): Promise<Health['trainer']> => ((await (await fetch(`${baseUrl}/healthz`)).json()) as Health).trainer;

  beforeAll(async () => {
    ({ deps, database, close: closeDeps } = await createTestDeps('pglite', { useRedis: false }));
    await pauseOtherQueues(deps.jobs);
    trainer = startTrainerChild({ databaseUrl: database.connectionString, prefix: deps.env.SIFT_QUEUE_PREFIX, bus: deps.bus, env: TRAINER_ENV });
    const { httpServer, io } = createApp(deps, undefined, { databaseMode: database.mode, trainer: trainer.status });
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`;
    closeHttp = async () => {
      io.close();
      await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    };
  });
  afterAll(async () => {
    await closeHttp?.();
    await trainer?.stop();
    await closeDeps?.();
  });

  it('is forked again after it exits past its ceiling, and /healthz reports it ready with its memory', async () => {
    const { user, projectId, samples } = await seedProject(deps.db, 'child');
    const before = await waitForAsync(async () => {
      const t = await health();
      return t.ready && t.memory?.current ? t : undefined;
    }, 90_000, 'the trainer to be ready and report its memory');
    expect(before).toMatchObject({ mode: 'child', restarts: 0, memory: { maxRssBytes: 1_048_576, restartsForMemory: 0 } });
    expect(before.memory!.current!.rssBytes).toBeGreaterThan(10 * 1_048_576);

    await requestEmbedding(deps.jobs, projectId);
    // Past its ceiling after that job: it finishes it, exits with the restart code, and is forked again.
    const restarted = await waitForAsync(async () => {
      const t = await health();
      return (t.restarts ?? 0) >= 1 ? t : undefined;
    }, 120_000, 'the supervisor to fork the trainer again');
    expect(restarted.lastRestart).toMatchObject({ reason: 'memory', exitCode: TRAINER_RESTART_EXIT_CODE });
    expect(await countEmbedded(deps.db, projectId)).toBe(samples);
    expect((await embedJobs(deps.jobs)).byProject.get(projectId)).toBe('completed');

    const again = await waitForAsync(async () => {
      const t = await health();
      return t.ready && t.memory?.current && t.memory.current.pid !== before.memory!.current!.pid ? t : undefined;
    }, 90_000, 'the new trainer to be ready and report its memory');
    expect(again).toMatchObject({ restarts: 1, memory: { maxRssBytes: 1_048_576, restartsForMemory: 1, lastRestartForMemory: { rssBytes: expect.any(Number) } } });
    expect(again.memory!.current!.rssBytes).toBeGreaterThan(10 * 1_048_576);

    // The Models page reads the same report through tRPC.
    const caller = createCaller(createContextInner({ deps, user }));
    expect(await caller.models.trainerMemory({ projectId })).toMatchObject({ maxRssBytes: 1_048_576, restartsForMemory: 1, current: { pid: again.memory!.current!.pid } });
  }, 300_000);
});
