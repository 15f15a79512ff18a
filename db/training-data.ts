import type { Db } from './client.ts';
import { fromVector } from './embeddings.ts';

/** A sample with its embedding, as the trainer sees it; `labelId` is its resolution, if any. */
export interface TrainingSample {
  sampleId: number;
  contentHash: string;
  text: string | null;
  labelId: number | null;
  vector: Float32Array;
}

/**
 * Every embedded sample of the project with its resolved label (null when unlabeled), ordered by id.
 * Unembedded samples are left out: they cannot be trained on or scored yet.
 */
export async function loadTrainingSamples(db: Db, projectId: number, encoder: string): Promise<TrainingSample[]> {
  const rows = await db
    .selectFrom('sample')
    .innerJoin('embedding', (join) => join.onRef('embedding.sample_id', '=', 'sample.id').on('embedding.encoder', '=', encoder))
    .leftJoin('resolution', 'resolution.sample_id', 'sample.id')
    .select(['sample.id', 'sample.content_hash', 'sample.text', 'resolution.label_id', 'embedding.vector'])
    .where('sample.project_id', '=', projectId)
    .orderBy('sample.id')
    .execute();
  return rows.map((r) => ({
    sampleId: r.id,
    contentHash: r.content_hash,
    text: r.text,
    labelId: r.label_id,
    vector: fromVector(r.vector),
  }));
}

/** How many samples of the project have a resolution, embedded or not. */
export async function countResolved(db: Db, projectId: number): Promise<number> {
  const row = await db.selectFrom('resolution').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * How many samples of the project have a resolution and an embedding by `encoder`: the labels a
 * training run can use, counted as the run counts them (samples still being embedded wait).
 */
export async function countTrainableLabels(db: Db, projectId: number, encoder: string): Promise<number> {
  const row = await db
    .selectFrom('resolution')
    .innerJoin('embedding', (join) => join.onRef('embedding.sample_id', '=', 'resolution.sample_id').on('embedding.encoder', '=', encoder))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('resolution.project_id', '=', projectId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
