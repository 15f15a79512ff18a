import { TRAINER_RESTART_EXIT_CODE } from '#trainer/memory-ceiling.ts';

/** A child that ran this long was healthy: its exit starts a new count of quick exits. */
export const HEALTHY_UPTIME_MS = 60_000;
const FIRST_DELAY_MS = 1000;
const MAX_DELAY_MS = 60_000;

export interface TrainerRestartPlan {
  /** `memory`: it exited past its memory ceiling, as asked; `crash`: any other exit the server did not ask for. */
  reason: 'memory' | 'crash';
  delayMs: number;
  /** Exits in a row after less than HEALTHY_UPTIME_MS, this one included. */
  quickExits: number;
}

/**
 * When the server starts its trainer child again after it exited unasked. A restart for memory
 * after a healthy run is at once; a crash waits 1 s; each quick exit in a row doubles the wait, up
 * to a minute, so a trainer that cannot start (or a ceiling below its resting memory) does not spin.
 */
export function planTrainerRestart(exit: { code: number | null; uptimeMs: number }, previousQuickExits: number): TrainerRestartPlan {
  const reason = exit.code === TRAINER_RESTART_EXIT_CODE ? 'memory' : 'crash';
  const quickExits = exit.uptimeMs >= HEALTHY_UPTIME_MS ? 0 : previousQuickExits + 1;
  const delayMs = reason === 'memory' && quickExits === 0 ? 0 : Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, quickExits - 1));
  return { reason, delayMs, quickExits };
}
