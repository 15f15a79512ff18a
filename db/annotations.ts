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
 * change in `annotation_event`, and sets the sample's resolution. Run inside a transaction.
 */
export async function upsertAnnotation(
  trx: Db,
  input: { projectId: number; sampleId: number; userId: number; labelId: number; durationMs: number; overlap: number; clientId?: string },
): Promise<{ annotation: Annotation; action: 'create' | 'update' | 'duplicate' }> {
  await lockSample(trx, input.sampleId);
  // A submission the client already made (a retry after a lost answer or a reconnect) is applied once.
  if (input.clientId !== undefined) {
    const seen = await trx.selectFrom('annotation_event').select('id').where('user_id', '=', input.userId).where('client_id', '=', input.clientId).executeTakeFirst();
    const current = seen && (await findAnnotation(trx, input.sampleId, input.userId));
    if (current) return { action: 'duplicate', annotation: current };
  }
  const row = await trx
    .insertInto('annotation')
    .values({
      project_id: input.projectId,
      sample_id: input.sampleId,
      user_id: input.userId,
      label_id: input.labelId,
      duration_ms: input.durationMs,
    })
    .onConflict((oc) =>
      oc.columns(['sample_id', 'user_id']).doUpdateSet({
        label_id: input.labelId,
        duration_ms: input.durationMs,
        updated_at: sql`now()`,
      }),
    )
    // xmax = 0 only for a freshly inserted row: tells create from update in one round trip.
    .returning(['id', 'sample_id', 'user_id', 'label_id', 'duration_ms', 'created_at', 'updated_at', sql<boolean>`xmax = 0`.as('inserted')])
    .executeTakeFirstOrThrow();
  const action = row.inserted ? 'create' : 'update';
  await trx
    .insertInto('annotation_event')
    .values({ ...pickEvent(input), label_id: input.labelId, action, duration_ms: input.durationMs, client_id: input.clientId ?? null })
    .execute();
  await refreshResolution(trx, input.projectId, input.sampleId, input.overlap);
  return {
    action,
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
 */
async function lockSample(trx: Db, sampleId: number): Promise<void> {
  await trx.selectFrom('sample').select('id').where('id', '=', sampleId).forUpdate().execute();
}

/**
 * A sample's resolution follows its annotations, unless a reviewer decided it (method `review`,
 * which stands until a reviewer changes it). With overlap 1 the most recent annotation decides
 * (`single`). With overlap n > 1 the sample is resolved once n annotators agree (`agreement`);
 * until it has n annotations it has none, and when they disagree it waits in the reviewers' queue.
 */
async function refreshResolution(trx: Db, projectId: number, sampleId: number, overlap: number): Promise<void> {
  const existing = await trx.selectFrom('resolution').select('method').where('sample_id', '=', sampleId).executeTakeFirst();
  if (existing?.method === 'review') return;
  const annotations = await trx
    .selectFrom('annotation')
    .select(['label_id', 'user_id'])
    .where('sample_id', '=', sampleId)
    .orderBy('updated_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  const latest = annotations[0];
  const agreed = annotations.length >= overlap && annotations.every((a) => a.label_id === latest?.label_id);
  if (!latest || !agreed) {
    await trx.deleteFrom('resolution').where('sample_id', '=', sampleId).execute();
    return;
  }
  const method = overlap > 1 ? 'agreement' : 'single';
  const resolvedBy = overlap > 1 ? null : latest.user_id;
  await trx
    .insertInto('resolution')
    .values({ sample_id: sampleId, project_id: projectId, label_id: latest.label_id, method, resolved_by: resolvedBy })
    .onConflict((oc) => oc.column('sample_id').doUpdateSet({ label_id: latest.label_id, method, resolved_by: resolvedBy, updated_at: sql`now()` }))
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
  const [samples, resolved, annotations, labelCounts, annotators] = await Promise.all([
    db.selectFrom('sample').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow(),
    db.selectFrom('resolution').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow(),
    db.selectFrom('annotation').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow(),
    db
      .selectFrom('resolution')
      .select(['label_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('project_id', '=', projectId)
      .groupBy('label_id')
      .execute(),
    db
      .selectFrom('project_member')
      .innerJoin('app_user', 'app_user.id', 'project_member.user_id')
      .leftJoin('annotation', (join) =>
        join.onRef('annotation.user_id', '=', 'project_member.user_id').onRef('annotation.project_id', '=', 'project_member.project_id'),
      )
      .select(['app_user.id', 'app_user.name', (eb) => eb.fn.count<number>('annotation.id').as('n'), (eb) => eb.fn.max('annotation.updated_at').as('last_at')])
      .where('project_member.project_id', '=', projectId)
      .groupBy(['app_user.id', 'app_user.name'])
      .orderBy('app_user.id')
      .execute(),
  ]);
  return {
    sampleCount: Number(samples.n),
    resolvedCount: Number(resolved.n),
    annotationCount: Number(annotations.n),
    labelCounts: labelCounts.map((r) => ({ labelId: r.label_id, count: Number(r.n) })),
    annotators: annotators.map((r) => ({ userId: r.id, name: r.name, count: Number(r.n), lastAt: r.last_at ? new Date(r.last_at) : null })),
  };
}

const IMPORT_CHUNK = 1000;

/**
 * Labels that came with an import, on samples the same import just inserted: one annotation each
 * by the importing user (durationMs 0), its history event, and the resolution. `method` is
 * `single` (overlap 1, as if the user had labeled it) or `review` (overlap above 1, where a lone
 * annotation would otherwise leave the sample unresolved: the import stands as a lead's decision).
 */
export async function insertImportedAnnotations(
  trx: Db,
  input: { projectId: number; userId: number; method: 'single' | 'review'; entries: { sampleId: number; labelId: number }[] },
): Promise<void> {
  const { projectId, userId, method } = input;
  for (let start = 0; start < input.entries.length; start += IMPORT_CHUNK) {
    const chunk = input.entries.slice(start, start + IMPORT_CHUNK);
    await trx
      .insertInto('annotation')
      .values(chunk.map((e) => ({ project_id: projectId, sample_id: e.sampleId, user_id: userId, label_id: e.labelId, duration_ms: 0 })))
      .execute();
    await trx
      .insertInto('annotation_event')
      .values(chunk.map((e) => ({ project_id: projectId, sample_id: e.sampleId, user_id: userId, label_id: e.labelId, action: 'create' as const, duration_ms: 0 })))
      .execute();
    await trx
      .insertInto('resolution')
      .values(chunk.map((e) => ({ sample_id: e.sampleId, project_id: projectId, label_id: e.labelId, method, resolved_by: userId })))
      .execute();
  }
}
