import { sql, type Kysely } from 'kysely';

/**
 * Samples an encoder could not read (an image that does not decode): the embed job sets them
 * aside instead of failing on them forever, and the overview says how many there are.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('embedding_failure')
    .addColumn('sample_id', 'integer', (c) => c.notNull().references('sample.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('encoder', 'text', (c) => c.notNull())
    .addColumn('error', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('embedding_failure_pkey', ['sample_id', 'encoder'])
    .execute();
  await db.schema.createIndex('embedding_failure_project_idx').on('embedding_failure').columns(['project_id', 'encoder']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('embedding_failure').ifExists().execute();
}
