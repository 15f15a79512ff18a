import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAnnotation } from '#db/annotations.ts';
import { upsertEmbeddings } from '#db/embeddings.ts';
import { listLabels } from '#db/labels.ts';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { loadTrainingSamples } from '#db/training-data.ts';
import { insertUser } from '#db/users.ts';
import { createTestDatabase, databaseBackends, type TestDatabase } from '#test/setup/databases.ts';

describe.each(databaseBackends())('loadTrainingSamples on %s', (backend) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reads every embedded sample in id order, page after page, with its label', async () => {
    const { db } = database;
    const owner = await insertUser(db, { email: `pages-${backend}@example.test`, name: 'P', passwordHash: 'x' });
    const project = await insertProject(db, { name: 'Pages', dataType: 'text', createdBy: owner.id, labels: [{ name: 'a', shortcut: null }, { name: 'b', shortcut: null }] });
    const batch = await insertImportBatch(db, { projectId: project.id, createdBy: owner.id, fileName: 'f.csv', format: 'csv', rowCount: 12_003 });
    const ids = await insertSamples(db, project.id, batch, Array.from({ length: 12_003 }, (_, i) => ({ text: `t${i}`, metadata: {}, contentHash: `h${i}` })));
    // Every sample but the last is embedded (an unembedded one is left out), with its index as a coordinate.
    for (let start = 0; start < ids.length - 1; start += 2000) {
      const chunk = ids.slice(start, Math.min(start + 2000, ids.length - 1));
      await upsertEmbeddings(db, chunk.map((sampleId, k) => ({ sampleId, projectId: project.id, encoder: 'e', vector: [start + k, 1, 0, 0] })));
    }
    const [a] = await listLabels(db, project.id);
    await db.transaction().execute((trx) => upsertAnnotation(trx, { projectId: project.id, sampleId: ids[7_777]!, userId: owner.id, labelId: a!.id, durationMs: 1, overlap: 1 }));
    const samples = await loadTrainingSamples(db, project.id, 'e');
    expect(samples).toHaveLength(12_002);
    expect(samples.map((s) => s.sampleId)).toEqual(ids.slice(0, -1));
    expect(samples.every((s, i) => s.vector[0] === i && s.text === `t${i}`)).toBe(true);
    expect(samples.filter((s) => s.labelId !== null).map((s) => s.sampleId)).toEqual([ids[7_777]]);
  }, 120_000);
});
