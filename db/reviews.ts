/**
 * What reviewers work on: samples whose annotators disagree, suspected mislabels, and the
 * decisions they take; plus the annotation data the agreement statistics are computed from.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';

/** One annotation as a reviewer sees it: who, what, how long. */
export interface AnnotationDetail {
  sampleId: number;
  userId: number;
  userName: string;
  labelId: number;
  durationMs: number;
  updatedAt: Date;
}

/**
 * Samples waiting for a reviewer: at least `overlap` (and at least two) annotations that do not
 * all agree, and no resolution yet. Oldest disagreement first.
 */
export async function listDisagreements(db: Db, input: { projectId: number; overlap: number; limit: number }): Promise<{ sampleId: number; count: number }[]> {
  const rows = await disagreements(db, input)
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.max('annotation.updated_at').as('last_at')])
    .orderBy('last_at')
    .orderBy('annotation.sample_id')
    .limit(input.limit)
    .execute();
  return rows.map((r) => ({ sampleId: r.sample_id, count: Number(r.n) }));
}

/** How many samples wait for a reviewer (same rule as {@link listDisagreements}). */
export async function countDisagreements(db: Db, input: { projectId: number; overlap: number }): Promise<number> {
  const row = await db
    .selectFrom(disagreements(db, input).as('d'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Unresolved samples with at least max(2, overlap) annotations that do not all agree, one row each. */
function disagreements(db: Db, input: { projectId: number; overlap: number }) {
  return db
    .selectFrom('annotation')
    .select('annotation.sample_id')
    .where('annotation.project_id', '=', input.projectId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('resolution').select('resolution.sample_id').whereRef('resolution.sample_id', '=', 'annotation.sample_id'))),
    )
    .groupBy('annotation.sample_id')
    .having(sql<boolean>`count(distinct annotation.label_id) > 1`)
    .having((eb) => eb.fn.countAll(), '>=', Math.max(2, input.overlap));
}

/** Every annotation of the given samples, with the annotator's name, oldest first. */
export async function listAnnotationDetails(db: Db, projectId: number, sampleIds: number[]): Promise<AnnotationDetail[]> {
  if (sampleIds.length === 0) return [];
  const rows = await db
    .selectFrom('annotation')
    .innerJoin('app_user', 'app_user.id', 'annotation.user_id')
    .select(['annotation.sample_id', 'annotation.user_id', 'app_user.name', 'annotation.label_id', 'annotation.duration_ms', 'annotation.updated_at'])
    .where('annotation.project_id', '=', projectId)
    .where('annotation.sample_id', 'in', sampleIds)
    .orderBy('annotation.created_at')
    .orderBy('annotation.id')
    .execute();
  return rows.map((r) => ({
    sampleId: r.sample_id,
    userId: r.user_id,
    userName: r.name,
    labelId: r.label_id,
    durationMs: r.duration_ms,
    updatedAt: r.updated_at,
  }));
}

/** A reviewer's final label for a sample (method `review`: it stands until a reviewer changes it). */
export async function resolveByReview(trx: Db, input: { projectId: number; sampleId: number; labelId: number; reviewerId: number }): Promise<void> {
  await trx
    .insertInto('resolution')
    .values({ sample_id: input.sampleId, project_id: input.projectId, label_id: input.labelId, method: 'review', resolved_by: input.reviewerId })
    .onConflict((oc) =>
      oc.column('sample_id').doUpdateSet({ label_id: input.labelId, method: 'review', resolved_by: input.reviewerId, updated_at: sql`now()` }),
    )
    .execute();
}

/** The current resolution of a sample, if any. */
export async function findResolution(db: Db, sampleId: number): Promise<{ labelId: number; method: string; resolvedBy: number | null } | undefined> {
  const row = await db.selectFrom('resolution').select(['label_id', 'method', 'resolved_by']).where('sample_id', '=', sampleId).executeTakeFirst();
  return row ? { labelId: row.label_id, method: row.method, resolvedBy: row.resolved_by } : undefined;
}

/** Every annotation of the project, for the agreement statistics. */
export async function listProjectAnnotations(db: Db, projectId: number): Promise<{ sampleId: number; userId: number; labelId: number; durationMs: number; createdAt: Date }[]> {
  const rows = await db
    .selectFrom('annotation')
    .select(['sample_id', 'user_id', 'label_id', 'duration_ms', 'created_at'])
    .where('project_id', '=', projectId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ sampleId: r.sample_id, userId: r.user_id, labelId: r.label_id, durationMs: r.duration_ms, createdAt: r.created_at }));
}

/** Every resolution of the project with how it was reached. */
export async function listProjectResolutions(db: Db, projectId: number): Promise<{ sampleId: number; labelId: number; method: string; resolvedBy: number | null }[]> {
  const rows = await db.selectFrom('resolution').select(['sample_id', 'label_id', 'method', 'resolved_by']).where('project_id', '=', projectId).execute();
  return rows.map((r) => ({ sampleId: r.sample_id, labelId: r.label_id, method: r.method, resolvedBy: r.resolved_by }));
}
