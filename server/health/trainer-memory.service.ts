import { findTrainerHeartbeat, type TrainerMemoryReading } from '#db/trainer-heartbeat.ts';
import { isHeartbeatFresh } from '#trainer/memory-ceiling.ts';
import type { AppDeps } from '../deps.ts';

/** The trainer's memory as its heartbeat tells it: the same on /healthz and the Models page. */
export interface TrainerMemory {
  /** Its latest reading while fresh; null when it has stopped or not reported for 30 s (restarting, hung, not running). */
  current: (TrainerMemoryReading & { reportedAt: Date; pid: number; host: string }) | null;
  /** SIFT_TRAINER_MAX_RSS_MB in bytes, as the trainer last reported it; null: no ceiling. */
  maxRssBytes: number | null;
  /** Times it stopped past the ceiling to be restarted, and the latest. */
  restartsForMemory: number;
  lastRestartForMemory: { at: Date; rssBytes: number } | null;
}

/** Null when no trainer has ever reported on this instance's queue. */
export async function describeTrainerMemory(deps: Pick<AppDeps, 'db' | 'env'>): Promise<TrainerMemory | null> {
  const heartbeat = await findTrainerHeartbeat(deps.db, deps.env.SIFT_QUEUE_PREFIX);
  if (!heartbeat) return null;
  const { reading } = heartbeat;
  const current = reading && isHeartbeatFresh(reading.ageMs) ? { ...withoutAge(reading), pid: heartbeat.pid, host: heartbeat.host } : null;
  return {
    current,
    maxRssBytes: heartbeat.maxRssBytes,
    restartsForMemory: heartbeat.memoryRestarts,
    lastRestartForMemory: heartbeat.lastMemoryRestart,
  };
}

function withoutAge<T extends { ageMs: number }>({ ageMs: _ageMs, ...rest }: T): Omit<T, 'ageMs'> {
  return rest;
}
