import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { insertProject } from '#db/projects.ts';
import { insertUser } from '#db/users.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { leaseNextSample, leaseNextSamples } from '#db/assignments.ts';
import { upsertAnnotation, deleteLastAnnotation, getProjectStats } from '#db/annotations.ts';
import { findNearestSamples, upsertEmbeddings, cosineDistance, toVector } from '#db/embeddings.ts';
import { listLabels } from '#db/labels.ts';
import { countTrainableLabels } from '#db/training-data.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from '#test/setup/databases.ts';

/** Deterministic pseudo-random unit vectors, so neighbours are known without trusting the index. */
function randomVectors(count: number, dims: number, seed: number): number[][] {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: count }, () => {
    const v = Array.from({ length: dims }, next);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}

describe.each(databaseBackends())('repository on %s', (backend) => {
  let database: TestDatabase;
  let projectId: number;
  let userId: number;
  let sampleIds: number[];

  beforeAll(async () => {
    database = await createTestDatabase(backend);
    const user = await insertUser(database.db, { email: 'a@example.test', name: 'A', passwordHash: 'x' });
    userId = user.id;
    const project = await insertProject(database.db, {
      name: 'P',
      dataType: 'text',
      createdBy: user.id,
      labels: [{ name: 'yes', shortcut: '1' }, { name: 'no', shortcut: '2' }],
    });
    projectId = project.id;
    const batch = await insertImportBatch(database.db, { projectId, createdBy: userId, fileName: 'f.csv', format: 'csv', rowCount: 40 });
    sampleIds = await insertSamples(
      database.db,
      projectId,
      batch,
      Array.from({ length: 40 }, (_, i) => ({ text: `sample ${i}`, metadata: { i }, contentHash: `h${i}` })),
    );
  });
  afterAll(() => database?.close());

  it('skips samples whose content hash the project already has', async () => {
    const batch = await insertImportBatch(database.db, { projectId, createdBy: userId, fileName: 'g.csv', format: 'csv', rowCount: 2 });
    const ids = await insertSamples(database.db, projectId, batch, [
      { text: 'sample 0 again', metadata: {}, contentHash: 'h0' },
      { text: 'new', metadata: {}, contentHash: 'h-new' },
    ]);
    expect(ids).toHaveLength(1);
  });

  it('keeps one annotation per user per sample, with history and resolution', async () => {
    const [yes, no] = await listLabels(database.db, projectId);
    const sampleId = sampleIds[0]!;
    const first = await upsertAnnotation(database.db, { projectId, sampleId, userId, labelId: yes!.id, durationMs: 1200, overlap: 1 });
    const second = await upsertAnnotation(database.db, { projectId, sampleId, userId, labelId: no!.id, durationMs: 800, overlap: 1 });
    expect(first.action).toBe('create');
    expect(second.action).toBe('update');
    expect(second.annotation.id).toBe(first.annotation.id);
    const events = await database.db.selectFrom('annotation_event').select(['action', 'label_id']).where('sample_id', '=', sampleId).orderBy('id').execute();
    expect(events.map((e) => e.action)).toEqual(['create', 'update']);
    const resolution = await database.db.selectFrom('resolution').selectAll().where('sample_id', '=', sampleId).executeTakeFirstOrThrow();
    expect(resolution.label_id).toBe(no!.id);
    const stats = await getProjectStats(database.db, projectId);
    expect(stats.resolvedCount).toBe(1);
    expect(stats.labelCounts).toEqual([{ labelId: no!.id, count: 1 }]);

    const next = await leaseNextSample(database.db, { projectId, userId, excludeIds: [sampleIds[1]!], overlap: 1, leaseSeconds: 60 });
    expect(next?.id).toBe(sampleIds[2]);

    expect(await deleteLastAnnotation(database.db, { projectId, userId, overlap: 1 })).toBe(sampleId);
    expect((await getProjectStats(database.db, projectId)).resolvedCount).toBe(0);
  });

  // The trainer rewrites scores for the whole pool in one transaction; each row's foreign key holds
  // a KEY SHARE lock on its sample until commit. A label must not wait for that.
  it.skipIf(backend === 'pglite')('labels a sample while another transaction still holds a row that references it', async () => {
    const [yes] = await listLabels(database.db, projectId);
    const sampleId = sampleIds[7]!;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let referenced!: () => void;
    const inserted = new Promise<void>((resolve) => (referenced = resolve));
    const trainer = database.db.transaction().execute(async (trx) => {
      await trx.insertInto('sample_score').values({ sample_id: sampleId, project_id: projectId, model_version_id: null, strategy: 'test', rank: 1 }).execute();
      referenced();
      await held;
      await trx.deleteFrom('sample_score').where('sample_id', '=', sampleId).execute();
    });
    await inserted;
    try {
      const labeled = upsertAnnotation(database.db, { projectId, sampleId, userId, labelId: yes!.id, durationMs: 1, overlap: 1 });
      const waited = new Promise<'blocked'>((resolve) => setTimeout(() => resolve('blocked'), 3000));
      expect(await Promise.race([labeled.then((r) => r.action), waited])).toBe('create');
    } finally {
      release();
      await trainer;
    }
  });

  it('leases a batch in order, each lease seeing the ones before it', async () => {
    const project = await insertProject(database.db, { name: 'Batch', dataType: 'text', createdBy: userId, labels: [{ name: 'a', shortcut: '1' }] });
    const batch = await insertImportBatch(database.db, { projectId: project.id, createdBy: userId, fileName: 'b.csv', format: 'csv', rowCount: 3 });
    const ids = await insertSamples(database.db, project.id, batch, [0, 1, 2].map((i) => ({ text: `batch ${i}`, metadata: {}, contentHash: `batch-${i}` })));
    const [u1, u2, u3] = await Promise.all(['b1', 'b2', 'b3'].map((n) => insertUser(database.db, { email: `${n}@example.test`, name: n, passwordHash: 'x' })));
    const ask = (user: { id: number }, excludeIds: number[] = []) => ({ projectId: project.id, userId: user.id, excludeIds, overlap: 1, leaseSeconds: 60 });
    // u1 asks twice (a double click): the second keeps the first's sample; u3 skips that one.
    const leased = await leaseNextSamples(database.db, [ask(u1!), ask(u2!), ask(u1!), ask(u3!, [ids[2]!])]);
    expect(leased.map((s) => s?.id)).toEqual([ids[0], ids[1], ids[0], undefined]);
    // With every open sample leased or skipped, u3 has nothing, and holds no lease.
    const leases = await database.db.selectFrom('assignment').select(['user_id', 'sample_id']).where('project_id', '=', project.id).orderBy('sample_id').execute();
    expect(leases).toEqual([
      { user_id: u1!.id, sample_id: ids[0] },
      { user_id: u2!.id, sample_id: ids[1] },
    ]);
  });

  it('counts as trainable only labels whose sample is embedded by the encoder, as a training run does', async () => {
    const project = await insertProject(database.db, { name: 'Trainable', dataType: 'text', createdBy: userId, labels: [{ name: 'a', shortcut: '1' }] });
    const batch = await insertImportBatch(database.db, { projectId: project.id, createdBy: userId, fileName: 't.csv', format: 'csv', rowCount: 3 });
    const ids = await insertSamples(database.db, project.id, batch, [0, 1, 2].map((i) => ({ text: `trainable ${i}`, metadata: {}, contentHash: `trainable-${i}` })));
    const [label] = await listLabels(database.db, project.id);
    for (const sampleId of ids) await upsertAnnotation(database.db, { projectId: project.id, sampleId, userId, labelId: label!.id, durationMs: 1, overlap: 1 });
    expect(await countTrainableLabels(database.db, project.id, 'test-4')).toBe(0);
    await upsertEmbeddings(database.db, [{ sampleId: ids[0]!, projectId: project.id, encoder: 'test-4', vector: new Float32Array([1, 0, 0, 0]) }]);
    await upsertEmbeddings(database.db, [{ sampleId: ids[1]!, projectId: project.id, encoder: 'other-4', vector: new Float32Array([0, 1, 0, 0]) }]);
    expect(await countTrainableLabels(database.db, project.id, 'test-4')).toBe(1);
  });

  it('answers kNN queries through the HNSW index with the exact neighbours', async () => {
    const vectors = randomVectors(sampleIds.length, 512, 7);
    await upsertEmbeddings(
      database.db,
      sampleIds.map((sampleId, i) => ({ sampleId, projectId, encoder: 'test-512', vector: vectors[i]! })),
    );
    const query = vectors[5]!;
    const found = await findNearestSamples(database.db, { projectId, encoder: 'test-512', vector: query, k: 5 });
    const exact = vectors
      .map((v, i) => ({ id: sampleIds[i]!, d: 1 - v.reduce((s, x, j) => s + x * query[j]!, 0) }))
      .sort((a, b) => a.d - b.d)
      .slice(0, 5);
    expect(found.map((n) => n.sampleId)).toEqual(exact.map((e) => e.id));
    expect(found[0]!.distance).toBeCloseTo(0, 5);

    const plan = await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const result = await sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT sample_id FROM embedding
        WHERE dims = 512 ORDER BY ${cosineDistance(512, toVector(query))} LIMIT 5`.execute(trx);
      return result.rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('embedding_hnsw_512_idx');
  });
});
