import type { Selectable } from 'kysely';
import type { Db } from './client.ts';
import type { SampleScoreTable } from './schema.ts';

/** One unlabeled sample's place in the labeling queue and why it is there. */
export interface QueueEntry {
  sampleId: number;
  rank: number;
  strategy: string;
  modelVersionId: number | null;
  predictedLabelId: number | null;
  confidence: number | null;
  explanation: Record<string, unknown> | null;
}

/** Replaces the project's queue with `entries` (in one transaction, so readers never see half). */
export async function replaceQueue(trx: Db, projectId: number, entries: QueueEntry[]): Promise<void> {
  await trx.deleteFrom('sample_score').where('project_id', '=', projectId).execute();
  for (let start = 0; start < entries.length; start += 1000) {
    const chunk = entries.slice(start, start + 1000);
    await trx
      .insertInto('sample_score')
      .values(
        chunk.map((e) => ({
          sample_id: e.sampleId,
          project_id: projectId,
          model_version_id: e.modelVersionId,
          strategy: e.strategy,
          rank: e.rank,
          predicted_label_id: e.predictedLabelId,
          confidence: e.confidence,
          explanation: e.explanation ? JSON.stringify(e.explanation) : null,
        })),
      )
      .execute();
  }
}

export async function findQueueEntry(db: Db, sampleId: number): Promise<QueueEntry | undefined> {
  const row = await db.selectFrom('sample_score').selectAll().where('sample_id', '=', sampleId).executeTakeFirst();
  return row ? queueEntryOf(row) : undefined;
}

/** Queue entries of several samples, by sample id. */
export async function findQueueEntries(db: Db, sampleIds: number[]): Promise<Map<number, QueueEntry>> {
  if (sampleIds.length === 0) return new Map();
  const rows = await db.selectFrom('sample_score').selectAll().where('sample_id', 'in', sampleIds).execute();
  return new Map(rows.map((row) => [row.sample_id, queueEntryOf(row)]));
}

function queueEntryOf(row: Selectable<SampleScoreTable>): QueueEntry {
  return {
    sampleId: row.sample_id,
    rank: row.rank,
    strategy: row.strategy,
    modelVersionId: row.model_version_id,
    predictedLabelId: row.predicted_label_id,
    confidence: row.confidence,
    explanation: row.explanation,
  };
}
