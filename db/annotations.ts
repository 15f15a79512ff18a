import { sql } from 'kysely';
import type { Db } from './client.ts';

/** One person's label on a sample. */
export interface Annotation {
  id: number;
  sampleId: number;
  userId: number;
  labelId: number;
  durationMs: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface ProjectStats {
  sampleCount: number;
  resolvedCount: number;
  annotationCount: number;
  labelCounts: { labelId: number; count: number }[];
  annotators: { userId: number; name: string; count: number; lastAt: Date | null }[];
}

/**
 * Saves the user's label on a sample (one per user per sample: relabeling updates it), records the
 * change in `annotation_event`, sets the sample's resolution and, with `releaseLease`, ends the
 * user's lease on it. Run inside a transaction. Three round trips whatever the case: one locks the
 * sample, one reads what the rule needs, one writes everything (labels are on the hot path of every
 * open browser, so each round trip is felt). The read must follow the lock in its own statement: a
 * statement reads as of when it started, so one that waited for the lock would miss the annotation
 * the other transaction just committed.
 */
export async function upsertAnnotation(
  trx: Db,
  input: { projectId: number; sampleId: number; userId: number; labelId: number; durationMs: number; overlap: number; clientId?: string; releaseLease?: boolean },
): Promise<{ annotation: Annotation; action: 'create' | 'update' | 'duplicate' }> {
  await lockSample(trx, input.sampleId);
  const state = await readSampleState(trx, input.sampleId, input.userId, input.clientId);
  // A submission the client already made (a retry after a lost answer or a reconnect) is applied once.
  if (state.seen) {
    const current = await findAnnotation(trx, input.sampleId, input.userId);
    if (current) return { action: 'duplicate', annotation: current };
  }
  const after = [{ labelId: input.labelId, userId: input.userId }, ...state.annotations.filter((a) => a.userId !== input.userId)];
  const resolution = state.reviewed ? 'keep' : resolveByAgreement(after, input.overlap);
  const row = await writeAnnotation(trx, input, resolution);
  return {
    action: row.inserted ? 'create' : 'update',
    annotation: {
      id: row.id,
      sampleId: row.sample_id,
      userId: row.user_id,
      labelId: row.label_id,
      durationMs: row.duration_ms,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
  };
}

/** What annotating a sample decides its resolution by, read once its lock is held. */
interface SampleAnnotationState {
  /** A reviewer decided it: that stands until a reviewer changes it. */
  reviewed: boolean;
  /** Its annotations, most recently changed first. */
  annotations: { labelId: number; userId: number }[];
  /** The user already sent this client id. */
  seen: boolean;
}

async function readSampleState(trx: Db, sampleId: number, userId: number, clientId: string | undefined): Promise<SampleAnnotationState> {
  const row = await trx
    .selectFrom('sample')
    .select((eb) => [
      eb.selectFrom('resolution').select('method').whereRef('resolution.sample_id', '=', 'sample.id').as('method'),
      sql<{ labelId: number; userId: number }[] | null>`(
        SELECT json_agg(json_build_object('labelId', a.label_id, 'userId', a.user_id) ORDER BY a.updated_at DESC, a.id DESC)
        FROM annotation a WHERE a.sample_id = sample.id)`.as('annotations'),
      clientId === undefined
        ? sql<boolean>`false`.as('seen')
        : eb.exists(eb.selectFrom('annotation_event').select('id').where('user_id', '=', userId).where('client_id', '=', clientId)).as('seen'),
    ])
    .where('id', '=', sampleId)
    .executeTakeFirst();
  return { reviewed: row?.method === 'review', annotations: row?.annotations ?? [], seen: Boolean(row?.seen) };
}

/** A sample's resolution as the agreement rule gives it; `null` means it has none. */
export type AgreedResolution = { labelId: number; method: 'single' | 'agreement'; resolvedBy: number | null } | null;

/**
 * The agreement rule (pure). A sample is resolved once at least `overlap` annotations all agree:
 * `single` (by its most recent annotator) with overlap 1, `agreement` with more. Until then it has
 * no resolution, and while its annotations disagree it has none either (it waits for a reviewer).
 * `annotations` are most recently changed first.
 */
export function resolveByAgreement(annotations: { labelId: number; userId: number }[], overlap: number): AgreedResolution {
  const latest = annotations[0];
  if (!latest || annotations.length < overlap || annotations.some((a) => a.labelId !== latest.labelId)) return null;
  return overlap > 1 ? { labelId: latest.labelId, method: 'agreement', resolvedBy: null } : { labelId: latest.labelId, method: 'single', resolvedBy: latest.userId };
}

/**
 * One statement: upserts the annotation, records the event (create or update, told by `xmax = 0`),
 * sets or clears the resolution unless a reviewer's stands (`keep`), and ends the lease if asked.
 * Data-modifying CTEs always run; the ones not wanted this time are filtered to no rows.
 */
function writeAnnotation(
  trx: Db,
  input: { projectId: number; sampleId: number; userId: number; labelId: number; durationMs: number; clientId?: string; releaseLease?: boolean },
  resolution: AgreedResolution | 'keep',
) {
  const set = resolution !== 'keep' && resolution !== null ? resolution : undefined;
  return trx
    .with('saved', (db) =>
      db
        .insertInto('annotation')
        .values({ project_id: input.projectId, sample_id: input.sampleId, user_id: input.userId, label_id: input.labelId, duration_ms: input.durationMs })
        .onConflict((oc) => oc.columns(['sample_id', 'user_id']).doUpdateSet({ label_id: input.labelId, duration_ms: input.durationMs, updated_at: sql`now()` }))
        .returning(['id', 'sample_id', 'user_id', 'label_id', 'duration_ms', 'created_at', 'updated_at', sql<boolean>`xmax = 0`.as('inserted')]),
    )
    .with('event', (db) =>
      db
        .insertInto('annotation_event')
        .columns(['project_id', 'sample_id', 'user_id', 'label_id', 'action', 'duration_ms', 'client_id'])
        .expression((eb) =>
          eb
            .selectFrom('saved')
            .select([
              sql<number>`${input.projectId}::int`.as('project_id'),
              'sample_id',
              'user_id',
              'label_id',
              sql<'create' | 'update'>`CASE WHEN saved.inserted THEN 'create' ELSE 'update' END`.as('action'),
              'duration_ms',
              sql<string | null>`${input.clientId ?? null}::text`.as('client_id'),
            ]),
        ),
    )
    .with('resolved', (db) =>
      db
        .insertInto('resolution')
        .columns(['sample_id', 'project_id', 'label_id', 'method', 'resolved_by'])
        .expression((eb) =>
          eb
            .selectFrom('saved')
            .select([
              'sample_id',
              sql<number>`${input.projectId}::int`.as('project_id'),
              sql<number>`${set?.labelId ?? null}::int`.as('label_id'),
              sql<'single' | 'agreement'>`${set?.method ?? null}::text`.as('method'),
              sql<number | null>`${set?.resolvedBy ?? null}::int`.as('resolved_by'),
            ])
            .where(sql<boolean>`${set !== undefined}`),
        )
        .onConflict((oc) =>
          oc.column('sample_id').doUpdateSet((eb) => ({
            label_id: eb.ref('excluded.label_id'),
            method: eb.ref('excluded.method'),
            resolved_by: eb.ref('excluded.resolved_by'),
            updated_at: sql`now()`,
          })),
        ),
    )
    .with('cleared', (db) => db.deleteFrom('resolution').where('sample_id', '=', input.sampleId).where(sql<boolean>`${resolution === null}`))
    .with('released', (db) =>
      db
        .deleteFrom('assignment')
        .where('project_id', '=', input.projectId)
        .where('user_id', '=', input.userId)
        .where('sample_id', '=', input.sampleId)
        .where(sql<boolean>`${input.releaseLease === true}`),
    )
    .selectFrom('saved')
    .selectAll()
    .executeTakeFirstOrThrow();
}

function pickEvent(input: { projectId: number; sampleId: number; userId: number }) {
  return { project_id: input.projectId, sample_id: input.sampleId, user_id: input.userId };
}

/**
 * Removes the user's most recently changed annotation in the project (undo) and returns its sample id.
 * The removal is recorded in the history.
 */
export async function deleteLastAnnotation(trx: Db, input: { projectId: number; userId: number; overlap: number }): Promise<number | undefined> {
  const last = await trx
    .selectFrom('annotation')
    .select(['id', 'sample_id'])
    .where('project_id', '=', input.projectId)
    .where('user_id', '=', input.userId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!last) return undefined;
  await lockSample(trx, last.sample_id);
  await trx.deleteFrom('annotation').where('id', '=', last.id).execute();
  await trx
    .insertInto('annotation_event')
    .values({ ...pickEvent({ ...input, sampleId: last.sample_id }), label_id: null, action: 'delete', duration_ms: null })
    .execute();
  await refreshResolution(trx, input.projectId, last.sample_id, input.overlap);
  return last.sample_id;
}

/**
 * Serialises changes to one sample's annotations until the transaction ends. Without it, two
 * annotators labeling the same sample at once each see only their own annotation (read committed)
 * and neither would resolve it.
 *
 * FOR NO KEY UPDATE, not FOR UPDATE: every insert into a table that references the sample (the
 * trainer's scores, suspects and embeddings, written for the whole pool in one transaction) holds
 * a KEY SHARE lock on it until commit, which FOR UPDATE would wait for; NO KEY UPDATE does not.
 */
async function lockSample(trx: Db, sampleId: number): Promise<void> {
  await trx.selectFrom('sample').select('id').where('id', '=', sampleId).forNoKeyUpdate().execute();
}

/**
 * Re-derives a sample's resolution from its annotations (after one is removed), unless a reviewer
 * decided it (method `review`, which stands until a reviewer changes it). See resolveByAgreement.
 */
async function refreshResolution(trx: Db, projectId: number, sampleId: number, overlap: number): Promise<void> {
  const existing = await trx.selectFrom('resolution').select('method').where('sample_id', '=', sampleId).executeTakeFirst();
  if (existing?.method === 'review') return;
  const annotations = await trx
    .selectFrom('annotation')
    .select(['label_id as labelId', 'user_id as userId'])
    .where('sample_id', '=', sampleId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const resolved = resolveByAgreement(annotations, overlap);
  if (!resolved) {
    await trx.deleteFrom('resolution').where('sample_id', '=', sampleId).execute();
    return;
  }
  const values = { label_id: resolved.labelId, method: resolved.method, resolved_by: resolved.resolvedBy };
  await trx
    .insertInto('resolution')
    .values({ sample_id: sampleId, project_id: projectId, ...values })
    .onConflict((oc) => oc.column('sample_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}

export async function findAnnotation(db: Db, sampleId: number, userId: number): Promise<Annotation | undefined> {
  const row = await db
    .selectFrom('annotation')
    .selectAll()
    .where('sample_id', '=', sampleId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row
    ? { id: row.id, sampleId: row.sample_id, userId: row.user_id, labelId: row.label_id, durationMs: row.duration_ms, createdAt: row.created_at, updatedAt: row.updated_at }
    : undefined;
}

/** Counts for the overview page and the live counters. */
export async function getProjectStats(db: Db, projectId: number): Promise<ProjectStats> {
  // One statement, so counting holds one pooled connection for one round trip: it runs after
  // nearly every label while a team works, next to the labels themselves.
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('sample').select(eb.fn.countAll<string>().as('n')).where('project_id', '=', projectId).as('samples'),
      eb.selectFrom('resolution').select(eb.fn.countAll<string>().as('n')).where('project_id', '=', projectId).as('resolved'),
      eb.selectFrom('annotation').select(eb.fn.countAll<string>().as('n')).where('project_id', '=', projectId).as('annotations'),
      sql<{ labelId: number; n: number }[] | null>`(
        SELECT json_agg(json_build_object('labelId', c.label_id, 'n', c.n)) FROM (
          SELECT label_id, count(*) AS n FROM resolution WHERE project_id = ${projectId} GROUP BY label_id) c)`.as('label_counts'),
      sql<{ userId: number; name: string; n: number; lastAt: string | null }[] | null>`(
        SELECT json_agg(json_build_object('userId', m.id, 'name', m.name, 'n', m.n, 'lastAt', m.last_at) ORDER BY m.id) FROM (
          SELECT u.id, u.name, count(a.id) AS n, max(a.updated_at) AS last_at
          FROM project_member pm
          JOIN app_user u ON u.id = pm.user_id
          LEFT JOIN annotation a ON a.user_id = pm.user_id AND a.project_id = pm.project_id
          WHERE pm.project_id = ${projectId}
          GROUP BY u.id, u.name) m)`.as('annotators'),
    ])
    .executeTakeFirstOrThrow();
  return {
    sampleCount: Number(row.samples),
    resolvedCount: Number(row.resolved),
    annotationCount: Number(row.annotations),
    labelCounts: (row.label_counts ?? []).map((r) => ({ labelId: r.labelId, count: Number(r.n) })),
    annotators: (row.annotators ?? []).map((r) => ({ userId: r.userId, name: r.name, count: Number(r.n), lastAt: r.lastAt ? new Date(r.lastAt) : null })),
  };
}
