/**
 * The trainer's memory ceiling (SIFT_TRAINER_MAX_RSS_MB): a safety net for memory a leak would
 * take, not a fix for it. Past the ceiling the trainer finishes its jobs and exits with
 * TRAINER_RESTART_EXIT_CODE; whoever runs it (the server, compose) starts a fresh one. Also the
 * contract of its memory report, which the server reads. Pure: the server imports it.
 */

/**
 * The exit code meaning "restart me": EX_TEMPFAIL from sysexits.h. The server re-forks a child
 * that exits with it at once; compose restarts the service on any exit.
 */
export const TRAINER_RESTART_EXIT_CODE = 75;

/** How often the trainer reports its memory (trainer/memory-watch.ts). */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/** A report older than three heartbeats is not what the trainer holds now: it stopped or hangs. */
export function isHeartbeatFresh(ageMs: number): boolean {
  return ageMs <= 3 * HEARTBEAT_INTERVAL_MS;
}

const MB = 1024 * 1024;

/** SIFT_TRAINER_MAX_RSS_MB in bytes; null (no ceiling) for 0. */
export function ceilingBytes(maxRssMb: number): number | null {
  return maxRssMb > 0 ? maxRssMb * MB : null;
}

/** Whether a trainer holding `rssBytes` after a job should stop taking jobs and restart. */
export function shouldRestartForMemory(rssBytes: number, ceiling: number | null): boolean {
  return ceiling !== null && rssBytes > ceiling;
}

/** Bytes as whole MB, as the log lines and the UI say them. */
export function formatMb(bytes: number): string {
  return `${Math.round(bytes / MB)} MB`;
}
