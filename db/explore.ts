/**
 * Exploration queries: filtered nearest neighbours through the HNSW index, the 2-D map, and
 * rare-class candidates.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';
import { cosineDistance, fromVector, toVector, type Neighbour } from './embeddings.ts';

/** Which samples a similarity query may return. */
export type NeighbourFilter =
  | { kind: 'any' }
  | { kind: 'label'; labelId: number }
  | { kind: 'labeled' }
  | { kind: 'unlabeled' }
  | { kind: 'annotator'; userId: number };

/** How many candidates the HNSW graph search keeps (pgvector's default is 40). */
const EF_SEARCH = 100;

/**
 * The k samples of a project nearest to `vector` (cosine) that pass `filter`, excluding `exclude`.
 * The HNSW index is shared by all projects and filters apply after the graph search, so with a
 * plain scan a selective filter could leave fewer than k rows: iterative index scans (pgvector
 * ≥ 0.8) keep scanning until k rows pass. `relaxed_order` may return rows slightly out of order,
 * so they are re-sorted. Where iterative scans are not available the query still runs, with the
 * larger `ef_search` as the only help.
 */
export async function findSimilarSamples(
  db: Db,
  input: { projectId: number; encoder: string; vector: ArrayLike<number>; k: number; filter: NeighbourFilter; exclude?: number[] },
): Promise<Neighbour[]> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('hnsw.ef_search', ${String(Math.max(EF_SEARCH, input.k))}, true)`.execute(trx);
    if (await supportsIterativeScan(trx)) await sql`select set_config('hnsw.iterative_scan', 'relaxed_order', true)`.execute(trx);
    const dims = input.vector.length;
    const distance = cosineDistance(dims, toVector(input.vector));
    let query = trx
      .selectFrom('embedding')
      .select(['embedding.sample_id', distance.as('distance')])
      .where('embedding.dims', '=', dims)
      .where('embedding.project_id', '=', input.projectId)
      .where('embedding.encoder', '=', input.encoder);
    if (input.exclude?.length) query = query.where('embedding.sample_id', 'not in', input.exclude);
    const filter = input.filter;
    if (filter.kind === 'label') {
      query = query.where(({ exists, selectFrom }) =>
        exists(selectFrom('resolution').select('resolution.sample_id').whereRef('resolution.sample_id', '=', 'embedding.sample_id').where('resolution.label_id', '=', filter.labelId)),
      );
    } else if (filter.kind === 'labeled') {
      query = query.where(({ exists, selectFrom }) =>
        exists(selectFrom('resolution').select('resolution.sample_id').whereRef('resolution.sample_id', '=', 'embedding.sample_id')),
      );
    } else if (filter.kind === 'unlabeled') {
      query = query.where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('resolution').select('resolution.sample_id').whereRef('resolution.sample_id', '=', 'embedding.sample_id'))),
      );
    } else if (filter.kind === 'annotator') {
      query = query.where(({ exists, selectFrom }) =>
        exists(selectFrom('annotation').select('annotation.id').whereRef('annotation.sample_id', '=', 'embedding.sample_id').where('annotation.user_id', '=', filter.userId)),
      );
    }
    const rows = await query.orderBy(distance).limit(input.k).execute();
    return rows.map((r) => ({ sampleId: r.sample_id, distance: Number(r.distance) })).sort((a, b) => a.distance - b.distance);
  });
}

async function supportsIterativeScan(trx: Db): Promise<boolean> {
  const { rows } = await sql<{ setting: string | null }>`select current_setting('hnsw.iterative_scan', true) as setting`.execute(trx);
  return rows[0]?.setting != null && rows[0].setting !== '';
}

/** The stored embedding of one of the project's samples, if it has one from `encoder`. */
export async function findSampleVector(db: Db, projectId: number, sampleId: number, encoder: string): Promise<Float32Array | undefined> {
  const row = await db
    .selectFrom('embedding')
    .select('vector')
    .where('sample_id', '=', sampleId)
    .where('project_id', '=', projectId)
    .where('encoder', '=', encoder)
    .executeTakeFirst();
  return row ? fromVector(row.vector) : undefined;
}

/** Replaces the project's 2-D map. */
export async function replaceSampleMap(trx: Db, projectId: number, points: { sampleId: number; x: number; y: number }[]): Promise<void> {
  await trx.deleteFrom('sample_map').where('project_id', '=', projectId).execute();
  for (let start = 0; start < points.length; start += 2000) {
    const chunk = points.slice(start, start + 2000);
    await trx.insertInto('sample_map').values(chunk.map((p) => ({ sample_id: p.sampleId, project_id: projectId, x: p.x, y: p.y }))).execute();
  }
}

export async function countSampleMap(db: Db, projectId: number): Promise<number> {
  const row = await db.selectFrom('sample_map').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Up to `limit` map points (an even sample of them when there are more), with each sample's label. */
export async function listSampleMap(db: Db, projectId: number, limit: number): Promise<{ sampleId: number; x: number; y: number; labelId: number | null }[]> {
  const total = await countSampleMap(db, projectId);
  const step = Math.max(1, Math.ceil(total / limit));
  const rows = await db
    .selectFrom('sample_map')
    .leftJoin('resolution', 'resolution.sample_id', 'sample_map.sample_id')
    .select(['sample_map.sample_id', 'sample_map.x', 'sample_map.y', 'resolution.label_id'])
    .where('sample_map.project_id', '=', projectId)
    .where(sql<boolean>`sample_map.sample_id % ${step} = 0`)
    .orderBy('sample_map.sample_id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ sampleId: r.sample_id, x: r.x, y: r.y, labelId: r.label_id }));
}

export interface RareCandidateRow {
  labelId: number;
  sampleId: number;
  rank: number;
  score: number;
  probability: number | null;
  similarity: number;
}

/** Replaces the project's rare-class candidates. */
export async function replaceRareCandidates(trx: Db, projectId: number, rows: RareCandidateRow[]): Promise<void> {
  await trx.deleteFrom('rare_candidate').where('project_id', '=', projectId).execute();
  for (let start = 0; start < rows.length; start += 1000) {
    await trx
      .insertInto('rare_candidate')
      .values(rows.slice(start, start + 1000).map((r) => ({ project_id: projectId, label_id: r.labelId, sample_id: r.sampleId, rank: r.rank, score: r.score, probability: r.probability, similarity: r.similarity })))
      .execute();
  }
}

/** Open candidates per rare class (still unresolved), best first. */
export async function listRareCandidates(db: Db, projectId: number, labelId: number, limit: number): Promise<RareCandidateRow[]> {
  const rows = await db
    .selectFrom('rare_candidate')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('label_id', '=', labelId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('resolution').select('resolution.sample_id').whereRef('resolution.sample_id', '=', 'rare_candidate.sample_id'))),
    )
    .orderBy('rank')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ labelId: r.label_id, sampleId: r.sample_id, rank: r.rank, score: r.score, probability: r.probability, similarity: r.similarity }));
}

/** How many open candidates each rare class has. */
export async function countRareCandidates(db: Db, projectId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('rare_candidate')
    .select(['label_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('project_id', '=', projectId)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('resolution').select('resolution.sample_id').whereRef('resolution.sample_id', '=', 'rare_candidate.sample_id'))),
    )
    .groupBy('label_id')
    .execute();
  return new Map(rows.map((r) => [r.label_id, Number(r.n)]));
}

/** Samples of the project by id (in the given order, missing ones skipped), with their resolved label. */
export async function findSampleCards(
  db: Db,
  projectId: number,
  sampleIds: number[],
): Promise<{ id: number; text: string | null; imageName: string | null; labelId: number | null }[]> {
  if (sampleIds.length === 0) return [];
  const rows = await db
    .selectFrom('sample')
    .leftJoin('resolution', 'resolution.sample_id', 'sample.id')
    .select(['sample.id', 'sample.text', 'sample.image_name', 'resolution.label_id'])
    .where('sample.project_id', '=', projectId)
    .where('sample.id', 'in', sampleIds)
    .execute();
  const byId = new Map(rows.map((r) => [r.id, { id: r.id, text: r.text, imageName: r.image_name, labelId: r.label_id }]));
  return sampleIds.flatMap((id) => byId.get(id) ?? []);
}
