import os from 'node:os';
import type { Db } from '#db/client.ts';
import { markTrainerStopped, recordTrainerHeartbeat, recordTrainerMemoryRestart } from '#db/trainer-heartbeat.ts';
import type { MemorySnapshot } from './ml/memory.ts';
import type { JobSystem } from './jobs/queue.ts';
import { HEARTBEAT_INTERVAL_MS, formatMb, shouldRestartForMemory } from './memory-ceiling.ts';

export interface MemoryWatch {
  /** Stops reporting. `restartRssBytes`: it is stopping past its ceiling, holding that much (counted as a restart). */
  stop(restartRssBytes?: number): Promise<void>;
}

/**
 * Reports the trainer's memory to the database every HEARTBEAT_INTERVAL_MS (where /healthz and the
 * Models page read it, in every setup) and, after each job, checks it against the ceiling: past
 * it, `onCeiling` is called once with the RSS that tripped it.
 */
export function startMemoryWatch(input: {
  db: Db;
  jobs: JobSystem;
  queuePrefix: string;
  ceiling: number | null;
  read: () => MemorySnapshot;
  onCeiling: (rssBytes: number) => void;
}): MemoryWatch {
  const self = { queuePrefix: input.queuePrefix, pid: process.pid };
  const startedAt = new Date();
  let failing = false;
  const report = async () => {
    try {
      await recordTrainerHeartbeat(input.db, { ...self, host: os.hostname(), startedAt, maxRssBytes: input.ceiling, reading: input.read() });
      failing = false;
    } catch (error) {
      // The database is away: jobs pause too. Say so once, and report again when it is back.
      if (!failing) console.error(`[trainer] could not report memory: ${error instanceof Error ? error.message : String(error)}`);
      failing = true;
    }
  };
  void report();
  const timer = setInterval(() => void report(), HEARTBEAT_INTERVAL_MS);
  timer.unref();

  const atStart = input.read().rssBytes;
  if (input.ceiling !== null && shouldRestartForMemory(atStart, input.ceiling)) {
    console.log(`[trainer] SIFT_TRAINER_MAX_RSS_MB (${formatMb(input.ceiling)}) is below what the trainer holds at rest (${formatMb(atStart)}): it will restart after every job`);
  }

  let tripped = false;
  input.jobs.onJobSettled(() => {
    if (tripped) return;
    const { rssBytes } = input.read();
    if (!shouldRestartForMemory(rssBytes, input.ceiling)) return;
    tripped = true;
    input.onCeiling(rssBytes);
  });

  return {
    async stop(restartRssBytes) {
      clearInterval(timer);
      try {
        if (restartRssBytes === undefined) await markTrainerStopped(input.db, self);
        else await recordTrainerMemoryRestart(input.db, { ...self, rssBytes: restartRssBytes });
      } catch (error) {
        // Stopping goes on: the report goes stale by itself, and the restart still happens.
        console.error(`[trainer] could not record its stop: ${error instanceof Error ? error.message : String(error)}`);
      }
    },
  };
}
