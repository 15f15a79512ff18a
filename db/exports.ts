/**
 * Project data exports, read in keyset-paginated batches (by sample id) so an export of any size
 * holds one batch in memory at a time.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';

/** One annotation as exported: who labeled the sample, when, and how long it took. */
export interface ExportAnnotation {
  label: string;
  annotator: string;
  email: string;
  createdAt: Date;
  updatedAt: Date;
  durationMs: number;
}

/** One sample with its resolution, annotations and the active ModelVersion's prediction. */
export interface ExportSample {
  id: number;
  text: string | null;
  imageName: string | null;
  metadata: Record<string, unknown>;
  contentHash: string;
  /** Whether the sample is a random check sample (the evaluation slice). */
  check: boolean;
  label: string | null;
  resolution: string | null;
  prediction: string | null;
  confidence: number | null;
  annotations: ExportAnnotation[];
}

export interface ExportBatchQuery {
  projectId: number;
  /** Only samples with an id above this (the last id of the previous batch; 0 to start). */
  afterId: number;
  limit: number;
  resolvedOnly: boolean;
  /** Only samples resolved to this label (implies resolved only). */
  labelId?: number;
  /** Predictions come from the queue rows this version scored; null: no predictions. */
  modelVersionId: number | null;
}

/**
 * The next batch of a project's samples in id order, with annotations (oldest first). Predictions
 * are the active version's scores in `sample_score`, which the trainer writes for the unlabeled
 * pool only; labeled samples and samples scored by an older version have none.
 */
export async function listExportBatch(db: Db, query: ExportBatchQuery): Promise<ExportSample[]> {
  let select = db
    .selectFrom('sample')
    .leftJoin('resolution', 'resolution.sample_id', 'sample.id')
    .leftJoin('label as final', 'final.id', 'resolution.label_id')
    .leftJoin('sample_score', (join) =>
      join.onRef('sample_score.sample_id', '=', 'sample.id').on('sample_score.model_version_id', '=', query.modelVersionId ?? -1),
    )
    .leftJoin('label as predicted', 'predicted.id', 'sample_score.predicted_label_id')
    .select([
      'sample.id',
      'sample.text',
      'sample.image_name',
      'sample.metadata',
      'sample.content_hash',
      'sample.check_at',
      'final.name as label',
      'resolution.method',
      'predicted.name as prediction',
      'sample_score.confidence',
    ])
    .where('sample.project_id', '=', query.projectId)
    .where('sample.id', '>', query.afterId)
    .orderBy('sample.id')
    .limit(query.limit);
  if (query.resolvedOnly || query.labelId !== undefined) select = select.where('resolution.sample_id', 'is not', null);
  if (query.labelId !== undefined) select = select.where('resolution.label_id', '=', query.labelId);
  const rows = await select.execute();
  const annotations = await listAnnotationsOf(db, query.projectId, rows.map((r) => r.id));
  return rows.map((r) => ({
    id: r.id,
    text: r.text,
    imageName: r.image_name,
    metadata: r.metadata,
    contentHash: r.content_hash,
    check: r.check_at !== null,
    label: r.label,
    resolution: r.method,
    prediction: r.prediction,
    confidence: r.confidence,
    annotations: annotations.get(r.id) ?? [],
  }));
}

/**
 * The byte size of each sample's image, by sample id (samples without an image are absent), so a
 * zip export can read image bytes in groups of bounded size. Postgres reads the size from the
 * value's header without fetching the bytes.
 */
export async function listImageSizes(db: Db, projectId: number, sampleIds: number[]): Promise<Map<number, number>> {
  if (sampleIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sample_image')
    .innerJoin('sample', 'sample.id', 'sample_image.sample_id')
    .select(['sample_image.sample_id', sql<number>`octet_length(sample_image.data)`.as('bytes')])
    .where('sample.project_id', '=', projectId)
    .where('sample_image.sample_id', 'in', sampleIds)
    .execute();
  return new Map(rows.map((r) => [r.sample_id, Number(r.bytes)]));
}

async function listAnnotationsOf(db: Db, projectId: number, sampleIds: number[]): Promise<Map<number, ExportAnnotation[]>> {
  const bySample = new Map<number, ExportAnnotation[]>();
  if (sampleIds.length === 0) return bySample;
  const rows = await db
    .selectFrom('annotation')
    .innerJoin('app_user', 'app_user.id', 'annotation.user_id')
    .innerJoin('label', 'label.id', 'annotation.label_id')
    .select(['annotation.sample_id', 'label.name as label', 'app_user.name', 'app_user.email', 'annotation.created_at', 'annotation.updated_at', 'annotation.duration_ms'])
    .where('annotation.project_id', '=', projectId)
    .where('annotation.sample_id', 'in', sampleIds)
    .orderBy('annotation.sample_id')
    .orderBy('annotation.created_at')
    .orderBy('annotation.id')
    .execute();
  for (const r of rows) {
    const list = bySample.get(r.sample_id) ?? [];
    list.push({ label: r.label, annotator: r.name, email: r.email, createdAt: r.created_at, updatedAt: r.updated_at, durationMs: r.duration_ms });
    bySample.set(r.sample_id, list);
  }
  return bySample;
}
