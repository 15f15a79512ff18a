/**
 * The trainer's heartbeat: what it holds in memory, reported every few seconds, and its restarts
 * past its memory ceiling. One row per queue prefix (the trainer serving that queue); a server
 * reads it whether the trainer is its child process or a service of its own.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';

/** One reading of the trainer's memory, in bytes (tensors: a count). */
export interface TrainerMemoryReading {
  rssBytes: number;
  heapUsedBytes: number;
  arenaLentBytes: number;
  arenaIdleBytes: number;
  tfWasmBytes: number;
  tensors: number;
  tensorBytes: number;
}

export interface TrainerHeartbeat {
  queuePrefix: string;
  host: string;
  pid: number;
  startedAt: Date;
  /** The last reading, or null once the trainer has stopped. */
  reading: (TrainerMemoryReading & { reportedAt: Date; ageMs: number }) | null;
  /** Its ceiling when it last reported (SIFT_TRAINER_MAX_RSS_MB in bytes); null: none. */
  maxRssBytes: number | null;
  memoryRestarts: number;
  lastMemoryRestart: { at: Date; rssBytes: number } | null;
}

/** Writes the trainer's current reading (creating its row on its first report). */
export async function recordTrainerHeartbeat(
  db: Db,
  input: { queuePrefix: string; host: string; pid: number; startedAt: Date; maxRssBytes: number | null; reading: TrainerMemoryReading },
): Promise<void> {
  const { reading } = input;
  const values = {
    host: input.host,
    pid: input.pid,
    started_at: input.startedAt,
    reported_at: sql<Date>`now()`,
    rss_bytes: reading.rssBytes,
    heap_used_bytes: reading.heapUsedBytes,
    arena_lent_bytes: reading.arenaLentBytes,
    arena_idle_bytes: reading.arenaIdleBytes,
    tf_wasm_bytes: reading.tfWasmBytes,
    tensors: reading.tensors,
    tensor_bytes: reading.tensorBytes,
    max_rss_bytes: input.maxRssBytes,
  };
  await db
    .insertInto('trainer_heartbeat')
    .values({ queue_prefix: input.queuePrefix, ...values })
    .onConflict((oc) => oc.column('queue_prefix').doUpdateSet(values))
    .execute();
}

/** Counts a restart past the memory ceiling and clears the reading: the process is about to exit. */
export async function recordTrainerMemoryRestart(db: Db, input: { queuePrefix: string; pid: number; rssBytes: number }): Promise<void> {
  await db
    .updateTable('trainer_heartbeat')
    .set((eb) => ({
      memory_restarts: eb('memory_restarts', '+', 1),
      last_memory_restart_at: sql<Date>`now()`,
      last_memory_restart_rss_bytes: input.rssBytes,
    }))
    .where('queue_prefix', '=', input.queuePrefix)
    .execute();
  await markTrainerStopped(db, input);
}

/** Clears the reading of a trainer that is stopping (only its own: another may have taken the row). */
export async function markTrainerStopped(db: Db, input: { queuePrefix: string; pid: number }): Promise<void> {
  await db.updateTable('trainer_heartbeat').set({ reported_at: null }).where('queue_prefix', '=', input.queuePrefix).where('pid', '=', input.pid).execute();
}

/** The heartbeat of the trainer on a queue prefix; `ageMs` is measured by the database's clock, as it was written. */
export async function findTrainerHeartbeat(db: Db, queuePrefix: string): Promise<TrainerHeartbeat | undefined> {
  const row = await db
    .selectFrom('trainer_heartbeat')
    .selectAll()
    .select(sql<string | number | null>`extract(epoch from now() - reported_at) * 1000`.as('age_ms'))
    .where('queue_prefix', '=', queuePrefix)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    queuePrefix: row.queue_prefix,
    host: row.host,
    pid: row.pid,
    startedAt: row.started_at,
    reading:
      row.reported_at === null
        ? null
        : {
            reportedAt: row.reported_at,
            ageMs: Math.max(0, Number(row.age_ms)),
            rssBytes: row.rss_bytes,
            heapUsedBytes: row.heap_used_bytes,
            arenaLentBytes: row.arena_lent_bytes,
            arenaIdleBytes: row.arena_idle_bytes,
            tfWasmBytes: row.tf_wasm_bytes,
            tensors: row.tensors,
            tensorBytes: row.tensor_bytes,
          },
    maxRssBytes: row.max_rss_bytes,
    memoryRestarts: row.memory_restarts,
    lastMemoryRestart:
      row.last_memory_restart_at && row.last_memory_restart_rss_bytes !== null
        ? { at: row.last_memory_restart_at, rssBytes: row.last_memory_restart_rss_bytes }
        : null,
  };
}
