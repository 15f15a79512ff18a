import type { Kysely } from 'kysely';

/** Leasing walks a project's unranked samples oldest first and stops at the first open one. */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('sample_project_id_idx').on('sample').columns(['project_id', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sample_project_id_idx').ifExists().execute();
}
