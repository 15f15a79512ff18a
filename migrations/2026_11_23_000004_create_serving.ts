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
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('api_key_project_idx').ifExists().execute();
  await db.schema.alterTable('prediction').dropColumn('encoder').dropColumn('embedding').dropColumn('abstained').dropColumn('probabilities').execute();
}
