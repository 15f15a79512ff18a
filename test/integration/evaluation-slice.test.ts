import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertAnnotation } from '#db/annotations.ts';
import { upsertEmbeddings } from '#db/embeddings.ts';
import { drawCheckSamples } from '#db/evaluation.ts';
import { listLabels } from '#db/labels.ts';
import { insertProject } from '#db/projects.ts';
import { insertImportBatch, insertSamples } from '#db/samples.ts';
import { insertUser } from '#db/users.ts';
import { requestScoring, requestTraining } from '#trainer/jobs/triggers.ts';
import { readBanking77 } from '#trainer/ml/encoders/shared-datasets.ts';
import { TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import { createRandom } from '#trainer/ml/head-fit.ts';
import { shuffleInPlace } from '#trainer/ml/head.ts';
import { waitFor } from '#test/setup/wait.ts';
import { startTrainerWorkersForTest, type TrainerWorkers } from '#test/setup/trainer-workers.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'pin_blocked', 'top_up_failed', 'terminate_account'];

/**
 * The evaluation slice through the trainer's own workers on a real database: random check samples
 * in the queue at every 10th place without a guess, versions measured on them, and promotion by
 * McNemar on the same samples, a credibly worse version kept back.
 */
describe('random check samples and promotion that noise cannot fool', () => {
  let trainer: TrainerWorkers;
  let database: TrainerWorkers['database'];
  let jobs: TrainerWorkers['jobs'];
  let events: TrainerWorkers['events'];

  beforeAll(async () => {
    trainer = await startTrainerWorkersForTest('slice');
    ({ database, jobs, events } = trainer);
  }, 60_000);
  afterAll(async () => {
    await trainer?.close();
  });

  it('queues check samples, measures versions on them, and keeps a credibly worse version back', async () => {
    const { db } = database;
    const all = await readBanking77('train');
    const rows = shuffleInPlace(
      CATEGORIES.flatMap((c) => all.filter((r) => r.category === c).slice(0, 100)),
      createRandom(3),
    );
    const owner = await insertUser(db, { email: 'slice@example.test', name: 'S', passwordHash: 'x' });
    const project = await insertProject(db, { name: 'Slice', dataType: 'text', createdBy: owner.id, labels: CATEGORIES.map((name) => ({ name, shortcut: null })) });
    const batch = await insertImportBatch(db, { projectId: project.id, createdBy: owner.id, fileName: 'f.csv', format: 'csv', rowCount: rows.length });
    const ids = await insertSamples(db, project.id, batch, rows.map((r, i) => ({ text: r.text, metadata: {}, contentHash: `s${i}` })));
    // Stand-ins for sentence embeddings, no encoder needed: a point per class plus noise, classes
    // that a model trained on true labels tells apart.
    const random = createRandom(5);
    const centres = new Map(CATEGORIES.map((c) => [c, Array.from({ length: 512 }, () => random() - 0.5)]));
    await upsertEmbeddings(db, ids.map((sampleId, i) => ({ sampleId, projectId: project.id, encoder: TEXT_ENCODER_NAME, vector: centres.get(rows[i]!.category)!.map((x) => x + (random() - 0.5) * 3) })));
    const labelIdOf = new Map((await listLabels(db, project.id)).map((l) => [l.name, l.id]));
    const truth = new Map(ids.map((id, i) => [id, labelIdOf.get(rows[i]!.category)!]));
    const label = async (sampleIds: number[], labelOf: (id: number) => number = (id) => truth.get(id)!) => {
      await db.transaction().execute(async (trx) => {
        for (const sampleId of sampleIds) await upsertAnnotation(trx, { projectId: project.id, sampleId, userId: owner.id, labelId: labelOf(sampleId), durationMs: 1000, overlap: 1 });
      });
    };
    const trainVersion = async (n: number) => {
      await requestTraining(jobs, project.id, { delayMs: 0, triggeredAt: new Date() });
      const done = () => events.filter((e) => e.projectId === project.id && (e.type === 'model.version' || e.type === 'train.failed'));
      const event = await waitFor(() => done()[n - 1], 90_000, () => `version ${n}; saw ${events.map((e) => e.type).join(', ')}`);
      expect(event.type).toBe('model.version');
      // A version put live re-ranks the pool (and tops up the check samples) after it is announced.
      if (event.data.promoted === true) {
        await waitFor(() => events.find((e) => e.projectId === project.id && e.type === 'queue.updated' && e.data.modelVersionId === event.data.versionId), 60_000, 'the re-ranked queue');
      }
      return db.selectFrom('model_version').selectAll().where('project_id', '=', project.id).where('version', '=', n).executeTakeFirstOrThrow();
    };

    // Before any model: the queue holds a check sample at every 10th place, with no guess.
    await requestScoring(jobs, project.id);
    await waitFor(() => events.find((e) => e.projectId === project.id && e.type === 'queue.updated'), 60_000, 'the first queue');
    const queue = await db.selectFrom('sample_score').select(['sample_id', 'rank', 'strategy', 'predicted_label_id']).where('project_id', '=', project.id).orderBy('rank').execute();
    const checks = queue.filter((q) => q.strategy === 'check');
    expect(checks.slice(0, 5).map((q) => q.rank)).toEqual([9, 19, 29, 39, 49]);
    expect(checks.every((q) => q.predicted_label_id === null)).toBe(true);
    const flagged = await db.selectFrom('sample').select('id').where('project_id', '=', project.id).where('check_at', 'is not', null).execute();
    expect(new Set(flagged.map((f) => f.id))).toEqual(new Set(checks.map((c) => c.sample_id)));
    expect(flagged).toHaveLength(20);

    // v1: the 20 check samples and 100 others labeled truthfully.
    const checkIds = checks.map((c) => c.sample_id);
    const others = ids.filter((id) => !checkIds.includes(id));
    await label([...checkIds, ...others.slice(0, 100)]);
    const v1 = await trainVersion(1);
    const m1 = v1.metrics as { evaluation: { n: number; accuracy: { value: number; low: number; high: number } }; numTrain: number; numChecks: number; numLabels: number };
    expect(m1).toMatchObject({ numChecks: 20, numTrain: 100, numLabels: 120 });
    expect(m1.evaluation.n).toBe(20);
    expect(m1.evaluation.accuracy.low).toBeLessThanOrEqual(m1.evaluation.accuracy.value);
    expect(m1.evaluation.accuracy.high).toBeGreaterThanOrEqual(m1.evaluation.accuracy.value);
    const predicted1 = await db.selectFrom('evaluation_prediction').select('sample_id').where('model_version_id', '=', v1.id).execute();
    expect(new Set(predicted1.map((p) => p.sample_id))).toEqual(new Set(checkIds));
    expect(v1.status).toBe('active');
    expect(m1.evaluation.accuracy.value).toBeGreaterThan(0.8);

    // More check samples: the random walk over the pool takes labeled samples it passes too, so the
    // slice stays a uniform sample of the pool and not of what the queue left.
    // The re-ranking after v1 drew 20 new ones to wait in the queue; ask for 20 more.
    expect(await drawCheckSamples(db, project.id, 20)).toHaveLength(20);
    const waiting = await drawCheckSamples(db, project.id, 40);
    expect(waiting).toHaveLength(40);
    const slice = await db.selectFrom('sample').select('id').where('project_id', '=', project.id).where('check_at', 'is not', null).execute();
    const labeledBefore = new Set([...checkIds, ...others.slice(0, 100)]);
    const passedLabeled = slice.filter((s) => !checkIds.includes(s.id) && labeledBefore.has(s.id));
    expect(passedLabeled.length).toBeGreaterThan(0);
    expect(slice.length).toBe(60 + passedLabeled.length);

    // v2: the new check samples and 80 more others, truthfully: compared with v1 on v1's check samples.
    await label([...waiting, ...others.slice(100, 180).filter((id) => !waiting.includes(id))]);
    const v2 = await trainVersion(2);
    const p2 = v2.promotion as { promote: boolean; reason: string; comparison: { n: number } };
    expect(p2.comparison.n).toBe(20);
    expect(p2.reason).toMatch(/^v2 is (not credibly different from|credibly better than) v1/);
    expect(v2.status).toBe('active');

    // v3: a batch of bad labels (every training label outside the slice scrambled to a wrong class)
    // makes a credibly worse version: kept back, with the reason in words, v2 stays live.
    const sliceIds = new Set((await db.selectFrom('sample').select('id').where('project_id', '=', project.id).where('check_at', 'is not', null).execute()).map((s) => s.id));
    const training = [...labeledBefore, ...others.slice(100, 180)].filter((id) => !sliceIds.has(id));
    const labelIds = [...labelIdOf.values()];
    await label(training, (id) => labelIds[(labelIds.indexOf(truth.get(id)!) + 1) % labelIds.length]!);
    const v3 = await trainVersion(3);
    const p3 = v3.promotion as { promote: boolean; reason: string; comparison: { n: number; liveOnly: number; candidateOnly: number } };
    expect(v3.status).toBe('rejected');
    expect(p3.reason).toMatch(/^v3 is credibly worse than v2: \d+ fewer of \d+ random check samples right \(McNemar p [<=] [\d.]+\); kept v2 live$/);
    expect(p3.comparison.liveOnly).toBeGreaterThan(p3.comparison.candidateOnly);
    const live = await db.selectFrom('model_version').select('version').where('project_id', '=', project.id).where('status', '=', 'active').executeTakeFirstOrThrow();
    expect(live.version).toBe(2);
  }, 300_000);
});
