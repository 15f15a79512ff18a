import { sql, type Kysely } from 'kysely';

/** The learning loop: an embedding cache, richer model versions, out-of-fold predictions, queue scores. */
export async function up(db: Kysely<any>): Promise<void> {
  // Embeddings by content, so re-imports (in any project) and restarts never recompute them.
  await db.schema
    .createTable('embedding_cache')
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('encoder', 'text', (c) => c.notNull())
    .addColumn('vector', sql`vector`, (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('embedding_cache_pkey', ['content_hash', 'encoder'])
    .execute();

  await db.schema
    .alterTable('model_version')
    .addColumn('label_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('backend', 'text')
    .addColumn('train_ms', 'integer')
    .addColumn('triggered_at', 'timestamptz')
    .addColumn('label_to_live_ms', 'integer')
    .addColumn('promotion', 'jsonb')
    .execute();

  // Out-of-fold class probabilities for each labeled sample at a version (mislabel detection uses them).
  await db.schema
    .createTable('oof_prediction')
    .addColumn('model_version_id', 'integer', (c) => c.notNull().references('model_version.id').onDelete('cascade'))
    .addColumn('sample_id', 'integer', (c) => c.notNull().references('sample.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull().references('label.id').onDelete('cascade'))
    .addColumn('proba', sql`real[]`, (c) => c.notNull())
    .addPrimaryKeyConstraint('oof_prediction_pkey', ['model_version_id', 'sample_id'])
    .execute();

  // The labeling queue: one row per unlabeled sample, rebuilt after each promoted version.
  await db.schema
    .createTable('sample_score')
    .addColumn('sample_id', 'integer', (c) => c.primaryKey().references('sample.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('model_version_id', 'integer', (c) => c.references('model_version.id').onDelete('set null'))
    .addColumn('strategy', 'text', (c) => c.notNull())
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('predicted_label_id', 'integer', (c) => c.references('label.id').onDelete('set null'))
    .addColumn('confidence', 'real')
    .addColumn('explanation', 'jsonb')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('sample_score_project_rank_idx').on('sample_score').columns(['project_id', 'rank']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sample_score').ifExists().execute();
  await db.schema.dropTable('oof_prediction').ifExists().execute();
  await db.schema
    .alterTable('model_version')
    .dropColumn('label_count')
    .dropColumn('backend')
    .dropColumn('train_ms')
    .dropColumn('triggered_at')
    .dropColumn('label_to_live_ms')
    .dropColumn('promotion')
    .execute();
  await db.schema.dropTable('embedding_cache').ifExists().execute();
}
