import { sql, type Kysely } from 'kysely';

/** Team review and exploration: assignment leases, suspected mislabels and decisions, a 2-D map, rare-class candidates. */
export async function up(db: Kysely<any>): Promise<void> {
  // An annotator holds at most one sample per project at a time; the lease lapses at expires_at.
  await db.schema
    .createTable('assignment')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('sample_id', 'integer', (c) => c.notNull().references('sample.id').onDelete('cascade'))
    .addColumn('leased_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addPrimaryKeyConstraint('assignment_pkey', ['project_id', 'user_id'])
    .execute();
  await db.schema.createIndex('assignment_sample_idx').on('assignment').columns(['sample_id', 'expires_at']).execute();

  // Labeled samples ranked by how likely their label is wrong, rebuilt after each version.
  await db.schema
    .createTable('suspect')
    .addColumn('sample_id', 'integer', (c) => c.primaryKey().references('sample.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('model_version_id', 'integer', (c) => c.references('model_version.id').onDelete('set null'))
    .addColumn('label_id', 'integer', (c) => c.notNull().references('label.id').onDelete('cascade'))
    .addColumn('suggested_label_id', 'integer', (c) => c.notNull().references('label.id').onDelete('cascade'))
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('flagged', 'boolean', (c) => c.notNull())
    .addColumn('self_confidence', 'real', (c) => c.notNull())
    .addColumn('neighbor_agreement', 'real')
    .addColumn('rank', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('suspect_project_rank_idx').on('suspect').columns(['project_id', 'rank']).execute();

  // What reviewers decided about suspects: accepted fixes and remembered dismissals (and the hit rate).
  await db.schema
    .createTable('suspect_decision')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('sample_id', 'integer', (c) => c.notNull().references('sample.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull().references('label.id').onDelete('cascade'))
    .addColumn('suggested_label_id', 'integer', (c) => c.notNull().references('label.id').onDelete('cascade'))
    .addColumn('final_label_id', 'integer', (c) => c.references('label.id').onDelete('set null'))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('accepted', 'dismissed')`))
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('decided_by', 'integer', (c) => c.references('app_user.id').onDelete('set null'))
    .addColumn('decided_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('suspect_decision_sample_idx').on('suspect_decision').columns(['sample_id', 'label_id']).execute();
  await db.schema.createIndex('suspect_decision_project_idx').on('suspect_decision').columns(['project_id', 'decided_at']).execute();

  // 2-D coordinates of each embedded sample (a PCA of the embeddings, computed by the trainer).
  await db.schema
    .createTable('sample_map')
    .addColumn('sample_id', 'integer', (c) => c.primaryKey().references('sample.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('x', 'real', (c) => c.notNull())
    .addColumn('y', 'real', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sample_map_project_idx').on('sample_map').column('project_id').execute();

  // Unlabeled samples most likely to belong to each rare class (the "rare: CLASS" queues).
  await db.schema
    .createTable('rare_candidate')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('project.id').onDelete('cascade'))
    .addColumn('label_id', 'integer', (c) => c.notNull().references('label.id').onDelete('cascade'))
    .addColumn('sample_id', 'integer', (c) => c.notNull().references('sample.id').onDelete('cascade'))
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('probability', 'real')
    .addColumn('similarity', 'real', (c) => c.notNull())
    .addPrimaryKeyConstraint('rare_candidate_pkey', ['label_id', 'sample_id'])
    .execute();
  await db.schema.createIndex('rare_candidate_project_idx').on('rare_candidate').columns(['project_id', 'label_id', 'rank']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rare_candidate').ifExists().execute();
  await db.schema.dropTable('sample_map').ifExists().execute();
  await db.schema.dropTable('suspect_decision').ifExists().execute();
  await db.schema.dropTable('suspect').ifExists().execute();
  await db.schema.dropTable('assignment').ifExists().execute();
}
