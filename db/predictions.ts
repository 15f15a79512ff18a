/** The prediction log: every answer of the prediction API, for monitoring and drift. */
import type { Db } from './client.ts';
import { toVector } from './embeddings.ts';

export interface PredictionLogRow {
  projectId: number;
  modelVersionId: number;
  apiKeyId: number | null;
  inputHash: string;
  encoder: string;
  embedding: Float32Array;
  labelId: number | null;
  confidence: number;
  abstained: boolean;
  latencyMs: number;
  createdAt: Date;
}

export async function insertPredictions(db: Db, rows: PredictionLogRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 500) {
    await db
      .insertInto('prediction')
      .values(
        rows.slice(start, start + 500).map((r) => ({
          project_id: r.projectId,
          model_version_id: r.modelVersionId,
          api_key_id: r.apiKeyId,
          input_hash: r.inputHash,
          encoder: r.encoder,
          embedding: toVector(r.embedding),
          label_id: r.labelId,
          confidence: r.confidence,
          abstained: r.abstained,
          latency_ms: r.latencyMs,
          created_at: r.createdAt,
        })),
      )
      .execute();
  }
}

/** How many predictions the project has logged (for tests and the monitoring page). */
export async function countPredictions(db: Db, projectId: number): Promise<number> {
  const row = await db.selectFrom('prediction').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', '=', projectId).executeTakeFirstOrThrow();
  return Number(row.n);
}
