/**
 * Annotations and resolutions an import brings, written in batches inside the import's transaction.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';
import type { ResolutionMethod } from './schema.ts';

const IMPORT_CHUNK = 1000;

/** An annotation an import brings: the importer's (times: now), or one restored with its original times. */
export interface ImportedAnnotationRow {
  sampleId: number;
  userId: number;
  labelId: number;
  durationMs: number;
  createdAt?: Date;
  updatedAt?: Date;
}

/** How an imported sample is resolved (the import service decides; see annotateImported). */
export interface ImportedResolutionRow {
  sampleId: number;
  labelId: number;
  method: ResolutionMethod;
  resolvedBy: number | null;
}

/**
 * Annotations and resolutions that came with an import, on samples the same import just inserted
 * (so nothing is there to conflict with), in batches: each annotation with its `create` history
 * event, then each resolution. Events are stamped now, not with a restored annotation's original
 * time: the trainer counts events since its latest version to notice new labels.
 */
export async function insertImportedAnnotations(
  trx: Db,
  input: { projectId: number; annotations: ImportedAnnotationRow[]; resolutions: ImportedResolutionRow[] },
): Promise<void> {
  const { projectId } = input;
  for (let start = 0; start < input.annotations.length; start += IMPORT_CHUNK) {
    const chunk = input.annotations.slice(start, start + IMPORT_CHUNK);
    await trx
      .insertInto('annotation')
      .values(
        chunk.map((a) => ({
          project_id: projectId,
          sample_id: a.sampleId,
          user_id: a.userId,
          label_id: a.labelId,
          duration_ms: a.durationMs,
          // Restored annotations keep their times; the importer's own are made now.
          created_at: a.createdAt ?? sql<Date>`now()`,
          updated_at: a.updatedAt ?? a.createdAt ?? sql<Date>`now()`,
        })),
      )
      .execute();
    await trx
      .insertInto('annotation_event')
      .values(chunk.map((a) => ({ project_id: projectId, sample_id: a.sampleId, user_id: a.userId, label_id: a.labelId, action: 'create' as const, duration_ms: a.durationMs })))
      .execute();
  }
  for (let start = 0; start < input.resolutions.length; start += IMPORT_CHUNK) {
    const chunk = input.resolutions.slice(start, start + IMPORT_CHUNK);
    await trx
      .insertInto('resolution')
      .values(chunk.map((r) => ({ sample_id: r.sampleId, project_id: projectId, label_id: r.labelId, method: r.method, resolved_by: r.resolvedBy })))
      .execute();
  }
}
