import { sql, type Kysely } from 'kysely';

/**
 * The evaluation slice and an honest drift check.
 * - `sample.check_at`: when the sample was drawn, uniformly at random from the project's imported
 *   pool, as a random check sample. Labeled check samples are what every version's accuracy is
 *   measured on; the model those figures describe never trains on them.
 * - `evaluation_prediction`: what each version's evaluation model predicted for each labeled
 *   check sample when it was trained, so two versions compare on the same samples (McNemar).
 * - `drift_report`: what the check compared with what (a random sample of the pool), the effect
 *   size, label shift and confidence, and the single check's signal apart from the alarm.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sample').addColumn('check_at', 'timestamptz').execute();
  await db.schema.createIndex('sample_check_idx').on('sample').columns(['project_id', 'id']).where(sql.ref('check_at'), 'is not', null).execute();
  await db.schema
    .createTable('evaluation_prediction')
    .addColumn('model_version_id', 'integer', (c) => c.notNull().references('model_version.id').onDelete('cascade'))
    .addColumn('sample_id', 'integer', (c) => c.notNull().references('sample.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('evaluation_prediction_pkey', ['model_version_id', 'sample_id'])
    .execute();
  await db.schema
    .alterTable('drift_report')
    .addColumn('reference', 'text', (c) => c.notNull().defaultTo('labeled samples'))
    .addColumn('signal', 'boolean')
    .addColumn('effect', 'double precision')
    .addColumn('label_shift', 'jsonb')
    .addColumn('confidence', 'jsonb')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('drift_report').dropColumn('reference').dropColumn('signal').dropColumn('effect').dropColumn('label_shift').dropColumn('confidence').execute();
  await db.schema.dropTable('evaluation_prediction').ifExists().execute();
  await db.schema.dropIndex('sample_check_idx').ifExists().execute();
  await db.schema.alterTable('sample').dropColumn('check_at').execute();
}
