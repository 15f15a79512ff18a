import type { Db } from './client.ts';
import { fromVector } from './embeddings.ts';

/** A sample with its embedding, as the trainer sees it; `labelId` is its resolution, if any. */
export interface TrainingSample {
  sampleId: number;
  contentHash: string;
  text: string | null;
  labelId: number | null;
  vector: Float32Array;
  /** A random check sample (the evaluation slice). */
  check: boolean;
}

/** Samples per page of {@link loadTrainingSamples}: about 30 MB of vector text. */
const TRAINING_PAGE = 5000;

/**
 * Every embedded sample of the project with its resolved label (null when unlabeled), ordered by id.
 * Unembedded samples are left out: they cannot be trained on or scored yet.
 */
export async function loadTrainingSamples(db: Db, projectId: number, encoder: string): Promise<TrainingSample[]> {
  // Read a page at a time in one snapshot: a vector arrives as ~6 KB of text, so 100,000 samples
  // at once held ~600 MB of strings before they became 200 MB of floats.
  return db.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    const out: TrainingSample[] = [];
    for (let after = 0; ; ) {
      const rows = await trx
        .selectFrom('sample')
        .innerJoin('embedding', (join) => join.onRef('embedding.sample_id', '=', 'sample.id').on('embedding.encoder', '=', encoder))
        .leftJoin('resolution', 'resolution.sample_id', 'sample.id')
        .select(['sample.id', 'sample.content_hash', 'sample.text', 'resolution.label_id', 'embedding.vector', 'sample.check_at'])
        .where('sample.project_id', '=', projectId)
        .where('sample.id', '>', after)
        .orderBy('sample.id')
        .limit(TRAINING_PAGE)
        .execute();
      for (const r of rows) out.push({ sampleId: r.id, contentHash: r.content_hash, text: r.text, labelId: r.label_id, vector: fromVector(r.vector), check: r.check_at !== null });
      if (rows.length < TRAINING_PAGE) return out;
      after = rows.at(-1)!.id;
    }
  });
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
