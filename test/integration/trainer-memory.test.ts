import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAnnotation } from '#db/annotations.ts';
import { upsertEmbeddings } from '#db/embeddings.ts';
import { listLabels } from '#db/labels.ts';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { insertUser } from '#db/users.ts';
import { requestTraining } from '#trainer/jobs/triggers.ts';
import { readBanking77 } from '#trainer/ml/encoders/shared-datasets.ts';
import { TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import { createRandom } from '#trainer/ml/head-fit.ts';
import { shuffleInPlace } from '#trainer/ml/head.ts';
import { memorySnapshot, type MemorySnapshot } from '#trainer/ml/memory.ts';
import { waitFor } from '#test/setup/wait.ts';
import { startTrainerWorkersForTest, type TrainerWorkers } from '#test/setup/trainer-workers.ts';

// A full collection before each reading, so readings compare like for like.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const MB = 1024 * 1024;
const VERSIONS = 30;
const WARM_UP = 10;

/**
 * The trainer's workers in this process, on real PostgreSQL when there is one (in-process PGlite
 * would share this process's memory): 30 training runs of one project while its labels grow, each
 * through the queue, with the memory read after every version.
 */
describe('trainer memory over 30 model versions', () => {
  let trainer: TrainerWorkers;
  let database: TrainerWorkers['database'];
  let jobs: TrainerWorkers['jobs'];
  let events: TrainerWorkers['events'];

  beforeAll(async () => {
    trainer = await startTrainerWorkersForTest('mem');
    ({ database, jobs, events } = trainer);
  }, 60_000);
  afterAll(async () => {
    await trainer?.close();
  });

  it('keeps tensors, lent arena memory and the heap flat, and RSS within a bound, while versions pile up', async () => {
    const { db } = database;
    // The file is grouped by class: a seeded shuffle, so labels arrive in every class from the start.
    const rows = shuffleInPlace((await readBanking77('train')).filter((r) => r.category.startsWith('c')), createRandom(9)).slice(0, 900);
    const owner = await insertUser(db, { email: 'memory@example.test', name: 'M', passwordHash: 'x' });
    const names = [...new Set(rows.map((r) => r.category))].sort();
    const project = await insertProject(db, { name: 'Memory', dataType: 'text', createdBy: owner.id, labels: names.map((name) => ({ name, shortcut: null })) });
    const batch = await insertImportBatch(db, { projectId: project.id, createdBy: owner.id, fileName: 'f.csv', format: 'csv', rowCount: rows.length });
    const ids = await insertSamples(db, project.id, batch, rows.map((r, i) => ({ text: r.text, metadata: {}, contentHash: `m${i}` })));
    // Seeded stand-ins for sentence embeddings: memory, not accuracy, is under test.
    const random = createRandom(5);
    await upsertEmbeddings(db, ids.map((sampleId) => ({ sampleId, projectId: project.id, encoder: TEXT_ENCODER_NAME, vector: Array.from({ length: 512 }, () => random() - 0.5) })));
    const labelIdOf = new Map((await listLabels(db, project.id)).map((l) => [l.name, l.id]));

    const readings: MemorySnapshot[] = [];
    let labeled = 0;
    for (let version = 1; version <= VERSIONS; version += 1) {
      const target = 60 + 12 * version;
      await db.transaction().execute(async (trx) => {
        for (let i = labeled; i < target; i += 1) {
          await upsertAnnotation(trx, { projectId: project.id, sampleId: ids[i]!, userId: owner.id, labelId: labelIdOf.get(rows[i]!.category)!, durationMs: 1000, overlap: 1 });
        }
      });
      labeled = target;
      await requestTraining(jobs, project.id, { delayMs: 0, triggeredAt: new Date() });
      const versions = () => events.filter((e) => e.type === 'model.version' || e.type === 'train.failed');
      await waitFor(() => (versions().length >= version ? true : undefined), 60_000, () => `version ${version}; saw ${events.map((e) => e.type).join(', ')}`);
      expect(versions().at(-1)!.type).toBe('model.version');
      gc();
      readings.push(memorySnapshot());
    }

    const base = readings[WARM_UP - 1]!;
    const last = readings.at(-1)!;
    const peakRss = Math.max(...readings.slice(WARM_UP).map((r) => r.rssBytes));
    expect(last.tensors).toBe(base.tensors);
    expect(readings.every((r) => r.arenaLentBytes === 0)).toBe(true);
    expect(last.heapUsedBytes - base.heapUsedBytes).toBeLessThan(24 * MB);
    // Before the arena pool each version left ~40 MB here resident; labels grow, so some growth is fair.
    expect(peakRss - base.rssBytes).toBeLessThan(150 * MB);
  }, 600_000);
});
