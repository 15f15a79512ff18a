import { sql, type Kysely } from 'kysely';

/** Serving: each logged prediction keeps its embedding (for drift) and whether it abstained. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('prediction')
    .addColumn('encoder', 'text')
    .addColumn('embedding', sql`vector`)
    .addColumn('abstained', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('probabilities', sql`real[]`)
    .execute();
  await db.schema.createIndex('api_key_project_idx').on('api_key').column('project_id').execute();

  // Drift checks between recent production inputs and the training data (trainer's drift job).
  await db.schema
    .createTable('drift_report')
    .addColumn('id', 'integer', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('computed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('statistic', 'text', (c) => c.notNull())
    .addColumn('value', 'real', (c) => c.notNull())
    .addColumn('p_value', 'real', (c) => c.notNull())
    .addColumn('alpha', 'real', (c) => c.notNull())
    .addColumn('drifted', 'boolean', (c) => c.notNull())
    .addColumn('production_count', 'integer', (c) => c.notNull())
    .addColumn('training_count', 'integer', (c) => c.notNull())
    .addColumn('window_start', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('drift_report_project_idx').on('drift_report').columns(['project_id', 'computed_at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('drift_report').ifExists().execute();
  await db.schema.dropIndex('api_key_project_idx').ifExists().execute();
  await db.schema.alterTable('prediction').dropColumn('encoder').dropColumn('embedding').dropColumn('abstained').dropColumn('probabilities').execute();
}
