/**
 * The prediction API's model cache holds what it serves and no more: a version swapped out is
 * released (collectable once no request holds it), a promotion in a project this process never
 * served loads nothing, and loaded versions stay within the byte budget.
 */
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activateModelVersion, insertModelVersion } from '#db/models.ts';
import { listLabels } from '#db/labels.ts';
import { insertProject } from '#db/projects.ts';
import { insertUser } from '#db/users.ts';
import { ModelCache } from '#server/inference/model-cache.ts';
import { createEventBus, type EventBus } from '#trainer/jobs/events.ts';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import { fitHead, type Head } from '#trainer/ml/head.ts';
import { packModel } from '#trainer/ml/model-blob.ts';
import { createTestDatabase, databaseBackends, uniqueName, type TestDatabase } from '#test/setup/databases.ts';
import { waitForAsync } from '#test/setup/wait.ts';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage after the current job: WeakRef targets stay alive until it ends. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i += 1) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
}

/** A small text head with a lexical channel (its bucket table alone is 4 MiB once loaded). */
async function textHead(): Promise<Head> {
  const texts = ['card arrived late', 'card not here', 'where is my card', 'rate for euros', 'exchange rate today', 'dollar rate'];
  const dense = texts.map((_, i) => Float32Array.from([i < 3 ? 1 : 0, i < 3 ? 0 : 1, i / 6, 0.5]));
  return (await fitHead({ dense, texts }, [0, 0, 0, 1, 1, 1], 2, { l2: 0.01, seed: 1 })).head;
}

describe.each(databaseBackends())('model cache on %s', (backend) => {
  let database: TestDatabase;
  let bus: EventBus;
  let serialized: ReturnType<Head['serialize']>;
  let userId: number;

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    bus = await createEventBus({ prefix: uniqueName('mc') });
    await initTensorBackend({ log: () => undefined });
    userId = (await insertUser(database.db, { email: `mc-${backend}@example.test`, name: 'M', passwordHash: 'x' })).id;
    serialized = (await textHead()).serialize();
  }, 60_000);
  afterAll(async () => {
    await bus?.close();
    await database?.close();
  });

  async function project(): Promise<number> {
    return (await insertProject(database.db, { name: 'M', dataType: 'text', createdBy: userId, labels: [{ name: 'a', shortcut: '1' }, { name: 'b', shortcut: '2' }] })).id;
  }

  /** A new version of the project, put live as the trainer would (the event reaches the cache). */
  async function goLive(projectId: number, announce = true): Promise<number> {
    const labelIds = (await listLabels(database.db, projectId)).map((l) => l.id);
    const blob = packModel({ meta: { labelIds, encoder: 'test-4', head: serialized.meta }, weights: serialized.weights });
    const version = await database.db.transaction().execute(async (trx) => {
      const inserted = await insertModelVersion(trx, { projectId, encoder: 'test-4', metrics: {}, weights: blob, labelCount: 6, backend: 'test', trainMs: 0, triggeredAt: null });
      await activateModelVersion(trx, { projectId, versionId: inserted.id, now: new Date(), promotion: {} });
      return inserted;
    });
    if (announce) await bus.publish({ projectId, type: 'model.version', data: { versionId: version.id, version: version.version, promoted: true } });
    return version.version;
  }

  it('releases every swapped-out version: after 20 swaps under traffic one head is loaded and reachable', async () => {
    const cache = new ModelCache(database.db, bus);
    const projectId = await project();
    await goLive(projectId, false);
    const heads: WeakRef<Head>[] = [];
    const serve = async () => {
      const model = (await cache.getActive(projectId))!;
      expect(model.head.predictProba({ dense: [Float32Array.from([1, 0, 0, 0.5])], texts: ['my card'] })[0]!.length).toBe(2);
      heads.push(new WeakRef(model.head));
      return model.version;
    };
    await serve();
    for (let i = 0; i < 20; i += 1) {
      const version = await goLive(projectId);
      await waitForAsync(async () => ((await serve()) === version ? true : undefined), 10_000, `version ${version} live`);
    }
    await collect();
    expect(new Set(heads.map((ref) => ref.deref()).filter((head) => head !== undefined)).size).toBe(1);
    expect(cache.stats().models).toBe(1);
    cache.close();
  });

  it('loads nothing for a promotion in a project this process has not served', async () => {
    const cache = new ModelCache(database.db, bus);
    for (let i = 0; i < 3; i += 1) {
      const projectId = await project();
      await goLive(projectId, false);
      await cache.refresh(projectId);
    }
    expect(cache.stats()).toMatchObject({ models: 0, bytes: 0 });
    cache.close();
  });

  it('keeps loaded versions, live and pinned, within its byte budget, dropping the least recently used', async () => {
    const probe = new ModelCache(database.db, bus);
    const projectId = await project();
    for (let i = 0; i < 3; i += 1) await goLive(projectId, false);
    const oneHead = (await probe.getActive(projectId))!.bytes;
    expect(oneHead).toBeGreaterThan(4 * 1024 * 1024);
    probe.close();

    const cache = new ModelCache(database.db, bus, Math.floor(oneHead * 2.5));
    expect((await cache.getVersion(projectId, 1))?.version).toBe(1);
    expect((await cache.getVersion(projectId, 2))?.version).toBe(2);
    expect((await cache.getActive(projectId))?.version).toBe(3);
    // The live version asked for by number is the loaded one, not a second copy.
    expect(await cache.getVersion(projectId, 3)).toBe(await cache.getActive(projectId));
    expect(cache.stats()).toMatchObject({ models: 2, bytes: 2 * oneHead });
    // Version 1 was the least recently used; asking again reloads it and drops version 2.
    expect((await cache.getVersion(projectId, 1))?.version).toBe(1);
    expect(cache.stats().models).toBe(2);
    expect(cache.stats().bytes).toBeLessThanOrEqual(cache.stats().maxBytes);
    cache.close();
  });
});
