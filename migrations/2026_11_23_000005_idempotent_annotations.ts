import { sql, type Kysely } from 'kysely';

/** Annotation submissions carry a client-generated id, so a retried submission is applied once. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('annotation_event').addColumn('client_id', 'text').execute();
  await sql`CREATE UNIQUE INDEX annotation_event_client_idx ON annotation_event (user_id, client_id) WHERE client_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX IF EXISTS annotation_event_client_idx`.execute(db);
  await db.schema.alterTable('annotation_event').dropColumn('client_id').execute();
}
