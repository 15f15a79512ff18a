import { sql, type ExpressionBuilder, type RawBuilder } from 'kysely';
import pgvector from 'pgvector';
import type { Db } from './client.ts';
import type { Database } from './schema.ts';

/** A neighbour returned by a kNN query (cosine distance: 0 = same direction, 2 = opposite). */
export interface Neighbour {
  sampleId: number;
  distance: number;
}

/** The pgvector literal for a JS vector. */
export function toVector(values: ArrayLike<number>): string {
  return pgvector.toSql(Array.from(values)) as string;
}

/**
 * `vector::vector(dims) <=> query`: the exact expression the per-width HNSW index is built on,
 * so the planner can use it.
 */
export function cosineDistance(dims: number, query: string): RawBuilder<number> {
  const width = sql.raw(String(Math.trunc(dims)));
  return sql<number>`(vector::vector(${width}) <=> ${query}::vector(${width}))`;
}

export async function upsertEmbeddings(
  db: Db,
  rows: { sampleId: number; projectId: number; encoder: string; vector: ArrayLike<number> }[],
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('embedding')
    .values(rows.map((r) => ({ sample_id: r.sampleId, project_id: r.projectId, encoder: r.encoder, dims: r.vector.length, vector: toVector(r.vector) })))
    .onConflict((oc) => oc.columns(['sample_id', 'encoder']).doUpdateSet((eb) => ({ vector: eb.ref('excluded.vector'), dims: eb.ref('excluded.dims') })))
    .execute();
}

/** The k samples of a project nearest to `vector` by cosine distance, through the HNSW index. */
export async function findNearestSamples(
  db: Db,
  input: { projectId: number; encoder: string; vector: ArrayLike<number>; k: number },
): Promise<Neighbour[]> {
  const dims = input.vector.length;
  const distance = cosineDistance(dims, toVector(input.vector));
  const rows = await db
    .selectFrom('embedding')
    .select(['sample_id', distance.as('distance')])
    .where('dims', '=', dims)
    .where('project_id', '=', input.projectId)
    .where('encoder', '=', input.encoder)
    .orderBy(distance)
    .limit(input.k)
    .execute();
  return rows.map((r) => ({ sampleId: r.sample_id, distance: Number(r.distance) }));
}

/** pgvector text → Float32Array. */
export function fromVector(text: string): Float32Array {
  return Float32Array.from(pgvector.fromSql(text) as number[]);
}

/** A sample that still needs an embedding from `encoder`. */
export interface PendingSample {
  id: number;
  contentHash: string;
  text: string | null;
  /** The image's file name (image samples), null for text. */
  imageName: string | null;
}

/**
 * Samples that still await an embedding from `encoder`: none yet, and not set aside as
 * unreadable by it (see insertEmbeddingFailures).
 */
function awaitingEmbedding(encoder: string) {
  return ({ and, not, exists, selectFrom }: ExpressionBuilder<Database, 'sample'>) =>
    and([
      not(exists(selectFrom('embedding').select('embedding.sample_id').whereRef('embedding.sample_id', '=', 'sample.id').where('embedding.encoder', '=', encoder))),
      not(
        exists(
          selectFrom('embedding_failure')
            .select('embedding_failure.sample_id')
            .whereRef('embedding_failure.sample_id', '=', 'sample.id')
            .where('embedding_failure.encoder', '=', encoder),
        ),
      ),
    ]);
}

/** Up to `limit` samples of the project awaiting an embedding from `encoder`, oldest first. */
export async function findSamplesMissingEmbedding(db: Db, projectId: number, encoder: string, limit: number): Promise<PendingSample[]> {
  const rows = await db
    .selectFrom('sample')
    .select(['sample.id', 'sample.content_hash', 'sample.text', 'sample.image_name'])
    .where('sample.project_id', '=', projectId)
    .where(awaitingEmbedding(encoder))
    .orderBy('sample.id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, contentHash: r.content_hash, text: r.text, imageName: r.image_name }));
}

/** How far the project's embedding has got; `failed` samples could not be read and never will be. */
export async function countEmbedded(db: Db, projectId: number, encoder: string): Promise<{ total: number; embedded: number; failed: number }> {
  const count = (table: 'embedding' | 'embedding_failure') =>
    db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('project_id', '=', projectId)
      .where('encoder', '=', encoder)
      .executeTakeFirstOrThrow();
  const [total, embedded, failed] = await Promise.all([
    db.selectFrom('sample').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow(),
    count('embedding'),
    count('embedding_failure'),
  ]);
  return { total: Number(total.n), embedded: Number(embedded.n), failed: Number(failed.n) };
}

/** A sample `encoder` could not read, and why. */
export interface EmbeddingFailure {
  sampleId: number;
  projectId: number;
  encoder: string;
  error: string;
}

/**
 * Sets samples aside as unreadable by `encoder` (an image that does not decode), so the embed job
 * stops retrying them; a sample's bytes never change, so neither would the outcome.
 */
export async function insertEmbeddingFailures(db: Db, rows: EmbeddingFailure[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('embedding_failure')
    .values(rows.map((r) => ({ sample_id: r.sampleId, project_id: r.projectId, encoder: r.encoder, error: r.error })))
    .onConflict((oc) => oc.columns(['sample_id', 'encoder']).doUpdateSet((eb) => ({ error: eb.ref('excluded.error'), failed_at: eb.ref('excluded.failed_at') })))
    .execute();
}

/** Why a sample could not be embedded by `encoder`, if it could not. */
export async function findEmbeddingFailure(db: Db, sampleId: number, encoder: string): Promise<string | undefined> {
  const row = await db.selectFrom('embedding_failure').select('error').where('sample_id', '=', sampleId).where('encoder', '=', encoder).executeTakeFirst();
  return row?.error;
}

/** The project's first `limit` samples `encoder` could not read, oldest first, with their image names. */
export async function listEmbeddingFailures(
  db: Db,
  projectId: number,
  encoder: string,
  limit: number,
): Promise<{ sampleId: number; name: string | null; error: string }[]> {
  const rows = await db
    .selectFrom('embedding_failure')
    .innerJoin('sample', 'sample.id', 'embedding_failure.sample_id')
    .select(['embedding_failure.sample_id', 'sample.image_name', 'embedding_failure.error'])
    .where('embedding_failure.project_id', '=', projectId)
    .where('embedding_failure.encoder', '=', encoder)
    .orderBy('embedding_failure.sample_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ sampleId: r.sample_id, name: r.image_name, error: r.error }));
}

/** Cached vectors for these content hashes (any project), by hash. */
export async function findCachedEmbeddings(db: Db, encoder: string, hashes: string[]): Promise<Map<string, Float32Array>> {
  if (hashes.length === 0) return new Map();
  const rows = await db
    .selectFrom('embedding_cache')
    .select(['content_hash', 'vector'])
    .where('encoder', '=', encoder)
    .where('content_hash', 'in', hashes)
    .execute();
  return new Map(rows.map((r) => [r.content_hash, fromVector(r.vector)]));
}

export async function insertCachedEmbeddings(db: Db, encoder: string, rows: { contentHash: string; vector: ArrayLike<number> }[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('embedding_cache')
    .values(rows.map((r) => ({ content_hash: r.contentHash, encoder, vector: toVector(r.vector) })))
    .onConflict((oc) => oc.columns(['content_hash', 'encoder']).doNothing())
    .execute();
}

/** Every embedding of the project from `encoder`, by sample id. */
export async function loadProjectEmbeddings(db: Db, projectId: number, encoder: string): Promise<Map<number, Float32Array>> {
  const rows = await db
    .selectFrom('embedding')
    .select(['sample_id', 'vector'])
    .where('project_id', '=', projectId)
    .where('encoder', '=', encoder)
    .execute();
  return new Map(rows.map((r) => [r.sample_id, fromVector(r.vector)]));
}

/**
 * Refreshes the planner's statistics of the embedding table. After a large import the stale
 * statistics (until autovacuum's next analyze) make the planner scan the project's btree and
 * sort every row instead of walking the HNSW index: ~600 ms instead of ~3 ms per query at 100,000
 * rows. Cheap (a sampled read), so the embed job calls it after each large batch of new rows.
 */
export async function analyzeEmbeddings(db: Db): Promise<void> {
  await sql`ANALYZE embedding`.execute(db);
}

/** Projects of `dataType` with samples awaiting an embedding from `encoder` (unreadable ones set aside). */
export async function findProjectsAwaitingEmbedding(db: Db, dataType: 'text' | 'image', encoder: string): Promise<number[]> {
  const rows = await db
    .selectFrom('sample')
    .innerJoin('project', 'project.id', 'sample.project_id')
    .select('sample.project_id')
    .distinct()
    .where('project.data_type', '=', dataType)
    .where(awaitingEmbedding(encoder))
    .execute();
  return rows.map((r) => r.project_id);
}
