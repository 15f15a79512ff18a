/** The prediction log: every answer of the prediction API, for monitoring and drift. */
import { sql } from 'kysely';
import type { Db } from './client.ts';
import { fromVector, toVector } from './embeddings.ts';

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

/** The project's latest predictions since `since` (newest first, at most `limit`): embedding, predicted label, confidence. */
export async function listRecentPredictionInputs(
  db: Db,
  projectId: number,
  encoder: string,
  since: Date,
  limit: number,
): Promise<{ embedding: Float32Array; labelId: number | null; confidence: number }[]> {
  const rows = await db
    .selectFrom('prediction')
    .select(['embedding', 'label_id', 'confidence'])
    .where('project_id', '=', projectId)
    .where('encoder', '=', encoder)
    .where('created_at', '>=', since)
    .where('embedding', 'is not', null)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ embedding: fromVector(r.embedding!), labelId: r.label_id, confidence: r.confidence }));
}

/**
 * A random sample of up to `limit` of the project's imported samples (production inputs that joined
 * the pool excluded), with the live model's predicted label and confidence where the queue has
 * them (unlabeled samples), else the sample's resolved label and no confidence.
 */
export async function samplePoolReference(
  db: Db,
  projectId: number,
  encoder: string,
  limit: number,
): Promise<{ embedding: Float32Array; labelId: number | null; confidence: number | null }[]> {
  const rows = await db
    .selectFrom('sample')
    .innerJoin('embedding', (join) => join.onRef('embedding.sample_id', '=', 'sample.id').on('embedding.encoder', '=', encoder))
    .leftJoin('sample_score', 'sample_score.sample_id', 'sample.id')
    .leftJoin('resolution', 'resolution.sample_id', 'sample.id')
    .select(['embedding.vector', 'sample_score.predicted_label_id', 'sample_score.confidence', 'resolution.label_id'])
    .where('sample.project_id', '=', projectId)
    .where('sample.source', '=', 'import')
    .orderBy(sql`random()`)
    .limit(limit)
    .execute();
  return rows.map((r) => ({ embedding: fromVector(r.vector), labelId: r.predicted_label_id ?? r.label_id, confidence: r.predicted_label_id === null ? null : r.confidence }));
}

export interface DriftReport {
  computedAt: Date;
  statistic: string;
  value: number;
  pValue: number;
  alpha: number;
  drifted: boolean;
  productionCount: number;
  /** Reference samples (a random sample of the pool; 'labeled samples' for checks before it was). */
  trainingCount: number;
  windowStart: Date;
  reference: string;
  /** This check alone found a difference (either test below alpha/2); `drifted` is the alarm. */
  signal: boolean | null;
  /** MMD² over its chance threshold (below 1: within chance). */
  effect: number | null;
  labelShift: { distance: number; pValue: number; shares: { labelId: number; production: number; reference: number }[] } | null;
  confidence: { production: number; reference: number | null } | null;
}

export async function insertDriftReport(db: Db, projectId: number, report: DriftReport): Promise<void> {
  await db
    .insertInto('drift_report')
    .values({
      project_id: projectId,
      computed_at: report.computedAt,
      statistic: report.statistic,
      value: report.value,
      p_value: report.pValue,
      alpha: report.alpha,
      drifted: report.drifted,
      production_count: report.productionCount,
      training_count: report.trainingCount,
      window_start: report.windowStart,
      reference: report.reference,
      signal: report.signal,
      effect: report.effect !== null && Number.isFinite(report.effect) ? report.effect : null,
      label_shift: report.labelShift ? JSON.stringify(report.labelShift) : null,
      confidence: report.confidence ? JSON.stringify(report.confidence) : null,
    })
    .execute();
}

/** The project's drift checks, newest first. */
export async function listDriftReports(db: Db, projectId: number, limit: number): Promise<DriftReport[]> {
  const rows = await db.selectFrom('drift_report').selectAll().where('project_id', '=', projectId).orderBy('computed_at', 'desc').limit(limit).execute();
  return rows.map((r) => ({
    computedAt: r.computed_at,
    statistic: r.statistic,
    value: r.value,
    pValue: r.p_value,
    alpha: r.alpha,
    drifted: r.drifted,
    productionCount: r.production_count,
    trainingCount: r.training_count,
    windowStart: r.window_start,
    reference: r.reference,
    signal: r.signal,
    effect: r.effect,
    labelShift: r.label_shift as DriftReport['labelShift'],
    confidence: r.confidence as DriftReport['confidence'],
  }));
}

/** Deletes predictions older than `before` (retention); returns how many. */
export async function deletePredictionsBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('prediction').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Traffic per hour since `since`: volume, abstentions, latency percentiles, mean confidence. */
export async function predictionTraffic(db: Db, projectId: number, since: Date) {
  const rows = await db
    .selectFrom('prediction')
    .select([
      sql<Date>`date_trunc('hour', created_at)`.as('hour'),
      (eb) => eb.fn.countAll<number>().as('count'),
      sql<number>`count(*) filter (where abstained)`.as('abstained'),
      sql<number>`percentile_cont(0.5) within group (order by latency_ms)`.as('p50'),
      sql<number>`percentile_cont(0.95) within group (order by latency_ms)`.as('p95'),
      sql<number>`percentile_cont(0.99) within group (order by latency_ms)`.as('p99'),
      sql<number>`avg(confidence)`.as('mean_confidence'),
    ])
    .where('project_id', '=', projectId)
    .where('created_at', '>=', since)
    .groupBy(sql`date_trunc('hour', created_at)`)
    .orderBy(sql`date_trunc('hour', created_at)`)
    .execute();
  return rows.map((r) => ({
    hour: new Date(r.hour),
    count: Number(r.count),
    abstained: Number(r.abstained),
    p50Ms: Number(r.p50),
    p95Ms: Number(r.p95),
    p99Ms: Number(r.p99),
    meanConfidence: Number(r.mean_confidence),
  }));
}

/** Latency percentiles and a 10-bin confidence histogram over everything since `since`. */
export async function predictionSummary(db: Db, projectId: number, since: Date) {
  const [latency, bins, labels] = await Promise.all([
    db
      .selectFrom('prediction')
      .select([
        (eb) => eb.fn.countAll<number>().as('count'),
        sql<number>`percentile_cont(0.5) within group (order by latency_ms)`.as('p50'),
        sql<number>`percentile_cont(0.95) within group (order by latency_ms)`.as('p95'),
        sql<number>`percentile_cont(0.99) within group (order by latency_ms)`.as('p99'),
      ])
      .where('project_id', '=', projectId)
      .where('created_at', '>=', since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('prediction')
      .select([sql<number>`least(width_bucket(confidence, 0, 1, 10), 10)`.as('bin'), (eb) => eb.fn.countAll<number>().as('count')])
      .where('project_id', '=', projectId)
      .where('created_at', '>=', since)
      .groupBy(sql`least(width_bucket(confidence, 0, 1, 10), 10)`)
      .execute(),
    db
      .selectFrom('prediction')
      .select(['label_id', (eb) => eb.fn.countAll<number>().as('count')])
      .where('project_id', '=', projectId)
      .where('created_at', '>=', since)
      .groupBy('label_id')
      .execute(),
  ]);
  const histogram = Array.from({ length: 10 }, (_, i) => Number(bins.find((b) => Number(b.bin) === i + 1)?.count ?? 0));
  return {
    count: Number(latency.count),
    p50Ms: latency.p50 === null ? null : Number(latency.p50),
    p95Ms: latency.p95 === null ? null : Number(latency.p95),
    p99Ms: latency.p99 === null ? null : Number(latency.p99),
    confidenceHistogram: histogram,
    labelMix: labels.map((l) => ({ labelId: l.label_id, count: Number(l.count) })),
  };
}

/** Whether the project's latest drift check signalled on its own (null before any check, or for checks before signals were recorded). */
export async function findLatestDriftSignal(db: Db, projectId: number): Promise<boolean | null> {
  const row = await db.selectFrom('drift_report').select('signal').where('project_id', '=', projectId).orderBy('computed_at', 'desc').orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.signal ?? null;
}

/** Whether the project's latest drift check sounded the alarm (false before any check). */
export async function findLatestDrift(db: Db, projectId: number): Promise<boolean> {
  const row = await db.selectFrom('drift_report').select('drifted').where('project_id', '=', projectId).orderBy('computed_at', 'desc').limit(1).executeTakeFirst();
  return row?.drifted ?? false;
}
