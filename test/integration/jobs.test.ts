import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobSystem, type JobSystem } from '#trainer/jobs/queue.ts';
import { createEventBus, type SiftEvent } from '#trainer/jobs/events.ts';
import { CLEANUP_QUEUE, type CleanupPayload, type CleanupResult } from '#trainer/jobs/cleanup.job.ts';
import { createCleanupProcessor } from '#trainer/jobs/cleanup.processor.ts';
import { insertProject } from '#db/projects.ts';
import { insertUser } from '#db/users.ts';
import { insertSession } from '#db/sessions.ts';
import { waitFor } from '#test/setup/wait.ts';
import { createTestDatabase, databaseBackends, redisUrl, uniqueName, type TestDatabase } from '#test/setup/databases.ts';

type QueueBackend = 'redis' | 'postgres' | 'pglite';

function queueBackends(): QueueBackend[] {
  const list: QueueBackend[] = databaseBackends().includes('postgres') ? ['postgres', 'pglite'] : ['pglite'];
  return redisUrl() ? ['redis', ...list] : list;
}

describe.each(queueBackends())('BullMQ on %s', (backend) => {
  let database: TestDatabase;
  let jobs: JobSystem;

  beforeAll(async () => {
    database = await createTestDatabase(backend === 'pglite' ? 'pglite' : 'postgres');
    jobs = createJobSystem({
      redisUrl: backend === 'redis' ? redisUrl() : undefined,
      databaseUrl: database.connectionString,
      embedded: backend === 'pglite',
      prefix: uniqueName('t'),
    });
  });
  afterAll(async () => {
    await jobs?.close();
    await database?.close();
  });

  it('runs a cleanup job end to end: enqueue, process against the database, return the result', async () => {
    const user = await insertUser(database.db, { email: `${backend}@example.test`, name: 'U', passwordHash: 'x' });
    const past = new Date(Date.now() - 60_000);
    await insertSession(database.db, { idHash: `expired-${backend}`, userId: user.id, expiresAt: past });
    await insertSession(database.db, { idHash: `live-${backend}`, userId: user.id, expiresAt: new Date(Date.now() + 60_000) });

    // Predictions past the retention (30 days by default) go; recent ones stay.
    const project = await insertProject(database.db, { name: 'P', dataType: 'text', createdBy: user.id, labels: [] });
    const logged = (daysAgo: number) => ({ project_id: project.id, input_hash: `h${daysAgo}`, confidence: 0.5, latency_ms: 3, created_at: new Date(Date.now() - daysAgo * 86_400_000) });
    await database.db.insertInto('prediction').values([logged(40), logged(1)]).execute();

    const results: CleanupResult[] = [];
    const worker = jobs.worker<CleanupPayload>(CLEANUP_QUEUE, createCleanupProcessor({ db: database.db }));
    worker.on('completed', (_job, result: CleanupResult) => results.push(result));
    const job = await jobs.queue<CleanupPayload>(CLEANUP_QUEUE).add('cleanup', { reason: 'manual' });
    expect(job.id).toBeTruthy();

    const result = await waitFor(() => results[0], 20_000);
    expect(result).toEqual({ expiredSessions: 1, expiredInvites: 0, expiredPredictions: 1, expiredWebhookDeliveries: 0 });
    expect((await database.db.selectFrom('prediction').select('input_hash').where('project_id', '=', project.id).execute()).map((r) => r.input_hash)).toEqual(['h1']);
    const left = await database.db.selectFrom('session').select('id').execute();
    expect(left.map((s) => s.id)).toEqual([`live-${backend}`]);
    expect(await jobs.ping()).toBe(true);
  });

  it('fails a job with a bad payload without retrying it', async () => {
    const failed: string[] = [];
    const worker = jobs.worker<CleanupPayload>(`${CLEANUP_QUEUE}-bad`, createCleanupProcessor({ db: database.db }));
    worker.on('failed', (_job, error) => failed.push(error.message));
    await jobs.queue(`${CLEANUP_QUEUE}-bad`).add('cleanup', { reason: 'nonsense' }, { attempts: 3 });
    const message = await waitFor(() => failed[0], 20_000);
    expect(message).toMatch(/bad cleanup payload/);
    await new Promise((r) => setTimeout(r, 300));
    expect(failed).toHaveLength(1);
  });
});

describe('event bus', () => {
  const cases: { name: string; make: () => Promise<{ a: Awaited<ReturnType<typeof createEventBus>>; b: Awaited<ReturnType<typeof createEventBus>>; cleanup: () => Promise<void> }> }[] = [];
  cases.push({
    name: 'in-process',
    async make() {
      const bus = await createEventBus({ prefix: uniqueName('e') });
      return { a: bus, b: bus, cleanup: () => bus.close() };
    },
  });
  if (redisUrl()) {
    cases.push({
      name: 'redis pub/sub between two connections',
      async make() {
        const prefix = uniqueName('e');
        const a = await createEventBus({ redisUrl: redisUrl(), prefix });
        const b = await createEventBus({ redisUrl: redisUrl(), prefix });
        return { a, b, cleanup: async () => (await a.close(), await b.close()) };
      },
    });
  }
  if (databaseBackends().includes('postgres')) {
    cases.push({
      name: 'postgres LISTEN/NOTIFY between two connections',
      async make() {
        const database = await createTestDatabase('postgres');
        const prefix = uniqueName('e');
        const a = await createEventBus({ postgresUrl: database.connectionString, prefix });
        const b = await createEventBus({ postgresUrl: database.connectionString, prefix });
        return { a, b, cleanup: async () => (await a.close(), await b.close(), await database.close()) };
      },
    });
  }

  it.each(cases)('delivers a published event to another subscriber within a second ($name)', async ({ make }) => {
    const { a, b, cleanup } = await make();
    try {
      const received: SiftEvent[] = [];
      b.subscribe((event) => received.push(event));
      const sent = Date.now();
      await a.publish({ projectId: 7, type: 'annotation.changed', data: { sampleId: 1 } });
      const event = await waitFor(() => received[0], 1000);
      expect(event).toEqual({ projectId: 7, type: 'annotation.changed', data: { sampleId: 1 } });
      expect(Date.now() - sent).toBeLessThan(1000);
      await expect(a.publish({ projectId: -1, type: '', data: {} })).rejects.toThrow();
    } finally {
      await cleanup();
    }
  });
});
