import { sql } from 'kysely';
import type { Db } from './client.ts';

export type ModelStatus = 'candidate' | 'active' | 'retired' | 'rejected';

/** A trained head and how it did. Immutable once written, except for its status. */
export interface ModelVersion {
  id: number;
  projectId: number;
  version: number;
  status: ModelStatus;
  encoder: string;
  metrics: Record<string, unknown>;
  labelCount: number;
  backend: string | null;
  trainMs: number | null;
  triggeredAt: Date | null;
  labelToLiveMs: number | null;
  promotion: Record<string, unknown> | null;
  createdAt: Date;
  promotedAt: Date | null;
}

const columns = [
  'id', 'project_id', 'version', 'status', 'encoder', 'metrics', 'label_count', 'backend', 'train_ms',
  'triggered_at', 'label_to_live_ms', 'promotion', 'created_at', 'promoted_at',
] as const;

type Row = { [K in (typeof columns)[number]]: unknown };

function rowToModelVersion(r: Row): ModelVersion {
  return {
    id: r.id as number,
    projectId: r.project_id as number,
    version: r.version as number,
    status: r.status as ModelStatus,
    encoder: r.encoder as string,
    metrics: r.metrics as Record<string, unknown>,
    labelCount: r.label_count as number,
    backend: r.backend as string | null,
    trainMs: r.train_ms as number | null,
    triggeredAt: r.triggered_at as Date | null,
    labelToLiveMs: r.label_to_live_ms as number | null,
    promotion: r.promotion as Record<string, unknown> | null,
    createdAt: r.created_at as Date,
    promotedAt: r.promoted_at as Date | null,
  };
}

/** Inserts the next version number of the project (numbering is serialized per project). */
export async function insertModelVersion(
  trx: Db,
  input: {
    projectId: number;
    encoder: string;
    metrics: Record<string, unknown>;
    weights: Buffer;
    labelCount: number;
    backend: string;
    trainMs: number;
    triggeredAt: Date | null;
  },
): Promise<ModelVersion> {
  await sql`SELECT pg_advisory_xact_lock(7741, ${input.projectId}::int)`.execute(trx);
  const last = await trx
    .selectFrom('model_version')
    .select((eb) => eb.fn.max('version').as('v'))
    .where('project_id', '=', input.projectId)
    .executeTakeFirst();
  const row = await trx
    .insertInto('model_version')
    .values({
      project_id: input.projectId,
      version: Number(last?.v ?? 0) + 1,
      status: 'candidate',
      encoder: input.encoder,
      metrics: JSON.stringify(input.metrics),
      weights: input.weights,
      label_count: input.labelCount,
      backend: input.backend,
      train_ms: input.trainMs,
      triggered_at: input.triggeredAt,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
  return rowToModelVersion(row);
}

/** Makes `versionId` the project's only active version; the previous one is retired. */
export async function activateModelVersion(
  trx: Db,
  input: { projectId: number; versionId: number; now: Date; promotion: Record<string, unknown> },
): Promise<void> {
  await trx
    .updateTable('model_version')
    .set({ status: 'retired' })
    .where('project_id', '=', input.projectId)
    .where('status', '=', 'active')
    .execute();
  await trx
    .updateTable('model_version')
    .set({
      status: 'active',
      promoted_at: input.now,
      promotion: JSON.stringify(input.promotion),
      // Only the first activation measures label-to-live; a later rollback to it keeps the original figure.
      label_to_live_ms: sql`COALESCE(label_to_live_ms, (EXTRACT(EPOCH FROM (${input.now}::timestamptz - triggered_at)) * 1000)::int)`,
    })
    .where('id', '=', input.versionId)
    .where('project_id', '=', input.projectId)
    .execute();
}

export async function rejectModelVersion(trx: Db, versionId: number, promotion: Record<string, unknown>): Promise<void> {
  await trx.updateTable('model_version').set({ status: 'rejected', promotion: JSON.stringify(promotion) }).where('id', '=', versionId).execute();
}

export async function findActiveModelVersion(db: Db, projectId: number): Promise<ModelVersion | undefined> {
  const row = await db.selectFrom('model_version').select(columns).where('project_id', '=', projectId).where('status', '=', 'active').executeTakeFirst();
  return row ? rowToModelVersion(row) : undefined;
}

export async function findModelVersion(db: Db, projectId: number, versionId: number): Promise<ModelVersion | undefined> {
  const row = await db.selectFrom('model_version').select(columns).where('project_id', '=', projectId).where('id', '=', versionId).executeTakeFirst();
  return row ? rowToModelVersion(row) : undefined;
}

/** A version by its per-project number (1, 2, …), as apps pin it. */
export async function findModelVersionByNumber(db: Db, projectId: number, version: number): Promise<ModelVersion | undefined> {
  const row = await db.selectFrom('model_version').select(columns).where('project_id', '=', projectId).where('version', '=', version).executeTakeFirst();
  return row ? rowToModelVersion(row) : undefined;
}

export async function findModelWeights(db: Db, versionId: number): Promise<Buffer | undefined> {
  const row = await db.selectFrom('model_version').select('weights').where('id', '=', versionId).executeTakeFirst();
  return row?.weights ?? undefined;
}

/** Every version of the project, newest first (without weights). */
export async function listModelVersions(db: Db, projectId: number): Promise<ModelVersion[]> {
  const rows = await db.selectFrom('model_version').select(columns).where('project_id', '=', projectId).orderBy('version', 'desc').execute();
  return rows.map(rowToModelVersion);
}

export async function insertOofPredictions(trx: Db, versionId: number, rows: { sampleId: number; labelId: number; proba: number[] }[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 1000) {
    const chunk = rows.slice(start, start + 1000);
    await trx
      .insertInto('oof_prediction')
      .values(chunk.map((r) => ({ model_version_id: versionId, sample_id: r.sampleId, label_id: r.labelId, proba: r.proba })))
      .execute();
  }
}

/** Label changes (new labels, relabels, undos) in the project since its latest version was trained. */
export async function countLabelChangesSinceLastVersion(db: Db, projectId: number): Promise<number> {
  const latest = await db
    .selectFrom('model_version')
    .select('created_at')
    .where('project_id', '=', projectId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  let query = db.selectFrom('annotation_event').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId);
  if (latest) query = query.where('created_at', '>', latest.created_at);
  const row = await query.executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Projects with labels changed since their latest version (or with labels and no version), whose
 * latest change is older than `quietSince` (the normal debounced trigger should have fired by then),
 * and with at least two labels in each of two classes among embedded samples (trainable as the
 * trainer counts it: labels still waiting for their embedding would only make it skip, every minute).
 */
export async function findProjectsAwaitingTraining(db: Db, quietSince: Date): Promise<number[]> {
  const rows = await db
    .selectFrom('annotation_event as e')
    .leftJoin(
      (qb) => qb.selectFrom('model_version').select(['project_id', (eb) => eb.fn.max('created_at').as('last_version_at')]).groupBy('project_id').as('v'),
      (join) => join.onRef('v.project_id', '=', 'e.project_id'),
    )
    .select('e.project_id')
    .where((eb) => eb.or([eb('v.last_version_at', 'is', null), eb('e.created_at', '>', eb.ref('v.last_version_at'))]))
    .groupBy('e.project_id')
    .having((eb) => eb.fn.max('e.created_at'), '<', quietSince)
    .execute();
  const candidates = rows.map((r) => r.project_id);
  if (candidates.length === 0) return [];
  const trainable = await db
    .selectFrom((qb) =>
      qb
        .selectFrom('resolution')
        .where('resolution.project_id', 'in', candidates)
        .where(({ exists, selectFrom }) => exists(selectFrom('embedding').select('embedding.sample_id').whereRef('embedding.sample_id', '=', 'resolution.sample_id')))
        .select(['resolution.project_id', 'resolution.label_id'])
        .groupBy(['resolution.project_id', 'resolution.label_id'])
        .having((eb) => eb.fn.countAll(), '>=', 2)
        .as('c'),
    )
    .select('c.project_id')
    .groupBy('c.project_id')
    .having((eb) => eb.fn.countAll(), '>=', 2)
    .execute();
  return trainable.map((r) => r.project_id);
}
