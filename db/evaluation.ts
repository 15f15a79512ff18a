/**
 * The evaluation slice: samples drawn uniformly at random from a project's imported pool as random
 * check samples, and what each model version's evaluation model predicted for them.
 *
 * The draw walks the pool in a fixed random order (md5 of the project and the sample's content) and
 * takes every sample it passes, labeled or not: a sample the queue already labeled joins the slice
 * with its label, an unlabeled one waits in the queue as a check sample. The labeled slice is thus
 * a uniform random sample of the pool, not of what the queue left over.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';

/**
 * Draws check samples until `wanted` of them wait unlabeled (production inputs never join: the
 * slice stands for the imported data). Returns the waiting ones, oldest draw first.
 */
export async function drawCheckSamples(db: Db, projectId: number, wanted: number): Promise<number[]> {
  // One draw per project at a time: two at once would each top up the same shortfall.
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${CHECK_LOCK_NAMESPACE}, ${projectId})`.execute(trx);
    return drawLocked(trx, projectId, wanted);
  });
}

/** Namespace of the per-project advisory lock that serialises check-sample draws. */
const CHECK_LOCK_NAMESPACE = 7302;

async function drawLocked(db: Db, projectId: number, wanted: number): Promise<number[]> {
  const waiting = await waitingChecks(db, projectId);
  const need = wanted - waiting.length;
  if (need <= 0) return waiting;
  // In the fixed random order, take samples until `need` unlabeled ones are taken; labeled ones
  // passed on the way join the slice with their labels.
  await sql`with ordered as (
      select s.id, r.sample_id is null as open,
        sum(case when r.sample_id is null then 1 else 0 end) over (order by md5(s.project_id::text || ':' || s.content_hash), s.id rows unbounded preceding) as opened
      from sample s left join resolution r on r.sample_id = s.id
      where s.project_id = ${projectId} and s.source = 'import' and s.check_at is null
    )
    update sample set check_at = now()
    where id in (select id from ordered where opened < ${need} or (opened = ${need} and open))`.execute(db);
  return waitingChecks(db, projectId);
}

async function waitingChecks(db: Db, projectId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('sample')
    .select('sample.id')
    .where('sample.project_id', '=', projectId)
    .where('sample.check_at', 'is not', null)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('resolution').select('resolution.sample_id').whereRef('resolution.sample_id', '=', 'sample.id'))))
    .orderBy('sample.check_at')
    .orderBy('sample.id')
    .execute();
  return rows.map((r) => r.id);
}

/** How many check samples the project has drawn, and how many of them are labeled. */
export async function countCheckSamples(db: Db, projectId: number): Promise<{ drawn: number; labeled: number }> {
  const row = await db
    .selectFrom('sample')
    .leftJoin('resolution', 'resolution.sample_id', 'sample.id')
    .select([(eb) => eb.fn.countAll<number>().as('drawn'), sql<number>`count(resolution.sample_id)`.as('labeled')])
    .where('sample.project_id', '=', projectId)
    .where('sample.check_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return { drawn: Number(row.drawn), labeled: Number(row.labeled) };
}

/** Records what a version's evaluation model predicted for each labeled check sample. */
export async function insertEvaluationPredictions(trx: Db, versionId: number, rows: { sampleId: number; labelId: number }[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 5000) {
    await trx
      .insertInto('evaluation_prediction')
      .values(rows.slice(start, start + 5000).map((r) => ({ model_version_id: versionId, sample_id: r.sampleId, label_id: r.labelId })))
      .execute();
  }
}

/** A version's evaluation predictions, sample id → predicted label id (empty: none recorded). */
export async function findEvaluationPredictions(db: Db, versionId: number): Promise<Map<number, number>> {
  const rows = await db.selectFrom('evaluation_prediction').select(['sample_id', 'label_id']).where('model_version_id', '=', versionId).execute();
  return new Map(rows.map((r) => [r.sample_id, r.label_id]));
}
