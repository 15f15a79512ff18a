import type { Kysely } from 'kysely';

/**
 * The trainer's heartbeat, one row per queue prefix: its memory every few seconds (read by
 * /healthz and the Models page whether the trainer is the server's child or its own service)
 * and how often it restarted itself past its memory ceiling.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('trainer_heartbeat')
    .addColumn('queue_prefix', 'text', (c) => c.primaryKey())
    .addColumn('host', 'text', (c) => c.notNull())
    .addColumn('pid', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    // Null once the trainer has stopped: its last reading is no longer what it holds.
    .addColumn('reported_at', 'timestamptz')
    .addColumn('rss_bytes', 'double precision', (c) => c.notNull())
    .addColumn('heap_used_bytes', 'double precision', (c) => c.notNull())
    .addColumn('arena_lent_bytes', 'double precision', (c) => c.notNull())
    .addColumn('arena_idle_bytes', 'double precision', (c) => c.notNull())
    .addColumn('tf_wasm_bytes', 'double precision', (c) => c.notNull())
    .addColumn('tensors', 'integer', (c) => c.notNull())
    .addColumn('tensor_bytes', 'double precision', (c) => c.notNull())
    .addColumn('max_rss_bytes', 'double precision')
    .addColumn('memory_restarts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_memory_restart_at', 'timestamptz')
    .addColumn('last_memory_restart_rss_bytes', 'double precision')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('trainer_heartbeat').ifExists().execute();
}
