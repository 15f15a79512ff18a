import { sql, type RawBuilder } from 'kysely';
import pgvector from 'pgvector';
import type { Db } from './client.ts';

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
