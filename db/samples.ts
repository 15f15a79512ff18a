import type { Db } from './client.ts';
import type { SampleRow } from './schema.ts';

/** One text or image to label. Image bytes are fetched separately (`findSampleImage`). */
export interface Sample {
  id: number;
  projectId: number;
  text: string | null;
  imageName: string | null;
  imageMime: string | null;
  metadata: Record<string, unknown>;
  contentHash: string;
  source: string;
  createdAt: Date;
  /** When it was drawn as a random check sample (the evaluation slice), if it was. */
  checkAt: Date | null;
}

/** What the import service hands to `insertSamples`. */
export interface SampleInsert {
  text?: string;
  image?: { name: string; mime: string; data: Buffer };
  metadata: Record<string, unknown>;
  contentHash: string;
}

export function sampleRowToSample(row: SampleRow): Sample {
  return {
    id: row.id,
    projectId: row.project_id,
    text: row.text,
    imageName: row.image_name,
    imageMime: row.image_mime,
    metadata: row.metadata,
    contentHash: row.content_hash,
    source: row.source,
    createdAt: row.created_at,
    checkAt: row.check_at ?? null,
  };
}

export async function insertImportBatch(
  trx: Db,
  input: { projectId: number; createdBy: number; fileName: string; format: string; rowCount: number },
): Promise<number> {
  const row = await trx
    .insertInto('import_batch')
    .values({
      project_id: input.projectId,
      created_by: input.createdBy,
      file_name: input.fileName,
      format: input.format,
      row_count: input.rowCount,
      imported_count: 0,
      duplicate_count: 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateImportBatchCounts(trx: Db, batchId: number, imported: number, duplicates: number): Promise<void> {
  await trx
    .updateTable('import_batch')
    .set({ imported_count: imported, duplicate_count: duplicates })
    .where('id', '=', batchId)
    .execute();
}

const CHUNK = 500;

/**
 * Inserts samples, skipping any whose content hash the project already has.
 * Returns the ids of the rows actually inserted. Run inside the import transaction. `source` says
 * where they came from: an import, or production inputs of the prediction API (no batch).
 */
export async function insertSamples(
  trx: Db,
  projectId: number,
  batchId: number | null,
  samples: SampleInsert[],
  source: 'import' | 'production' = 'import',
): Promise<number[]> {
  return (await insertSampleRows(trx, projectId, batchId, samples, source)).map((r) => r.id);
}

/** As `insertSamples`, with each inserted row's content hash (to attach imported labels to it). */
export async function insertSampleRows(
  trx: Db,
  projectId: number,
  batchId: number | null,
  samples: SampleInsert[],
  source: 'import' | 'production' = 'import',
): Promise<{ id: number; contentHash: string }[]> {
  const inserted: { id: number; contentHash: string }[] = [];
  for (let start = 0; start < samples.length; start += CHUNK) {
    const chunk = samples.slice(start, start + CHUNK);
    const rows = await trx
      .insertInto('sample')
      .values(
        chunk.map((s) => ({
          project_id: projectId,
          import_batch_id: batchId,
          text: s.text ?? null,
          image_name: s.image?.name ?? null,
          image_mime: s.image?.mime ?? null,
          metadata: JSON.stringify(s.metadata),
          content_hash: s.contentHash,
          source,
        })),
      )
      .onConflict((oc) => oc.columns(['project_id', 'content_hash']).doNothing())
      .returning(['id', 'content_hash'])
      .execute();
    const byHash = new Map(chunk.map((s) => [s.contentHash, s]));
    const images = rows.flatMap((r) => {
      const image = byHash.get(r.content_hash)?.image;
      return image ? [{ sample_id: r.id, data: image.data }] : [];
    });
    // Image rows are few per chunk but large; insert them one statement each to bound message size.
    for (const image of images) await trx.insertInto('sample_image').values(image).execute();
    inserted.push(...rows.map((r) => ({ id: r.id, contentHash: r.content_hash })));
  }
  return inserted;
}

export async function findSample(db: Db, projectId: number, sampleId: number): Promise<Sample | undefined> {
  const row = await db
    .selectFrom('sample')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', sampleId)
    .executeTakeFirst();
  return row ? sampleRowToSample(row) : undefined;
}

export async function findSampleImage(
  db: Db,
  projectId: number,
  sampleId: number,
): Promise<{ mime: string; data: Buffer } | undefined> {
  const row = await db
    .selectFrom('sample')
    .innerJoin('sample_image', 'sample_image.sample_id', 'sample.id')
    .select(['sample.image_mime', 'sample_image.data'])
    .where('sample.project_id', '=', projectId)
    .where('sample.id', '=', sampleId)
    .executeTakeFirst();
  return row?.image_mime ? { mime: row.image_mime, data: row.data } : undefined;
}

export async function countSamples(db: Db, projectId: number): Promise<number> {
  const row = await db
    .selectFrom('sample')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Image bytes of several samples of a project, by sample id. */
export async function findSampleImages(db: Db, projectId: number, sampleIds: number[]): Promise<Map<number, Buffer>> {
  if (sampleIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('sample_image')
    .innerJoin('sample', 'sample.id', 'sample_image.sample_id')
    .select(['sample_image.sample_id', 'sample_image.data'])
    .where('sample.project_id', '=', projectId)
    .where('sample_image.sample_id', 'in', sampleIds)
    .execute();
  return new Map(rows.map((r) => [r.sample_id, r.data]));
}
