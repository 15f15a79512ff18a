/**
 * What the memory benchmarks read of another process: its resident set from /proc (Linux), sampled
 * on a timer, and the trend of a series (least-squares slope), so "flat" is a number, not a look.
 */
import { readFileSync } from 'node:fs';

/** One reading: seconds since the sampler started, and the resident set in bytes. */
export interface RssSample {
  seconds: number;
  rss: number;
}

export const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** The process's resident set in bytes (VmRSS), or 0 once it has gone. */
export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Number(match?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Samples each process's RSS every `everyMs` until stopped. */
export function sampleRss(pids: Record<string, number>, everyMs: number) {
  const started = performance.now();
  const series: Record<string, RssSample[]> = Object.fromEntries(Object.keys(pids).map((name) => [name, []]));
  const read = () => {
    const seconds = (performance.now() - started) / 1000;
    for (const [name, pid] of Object.entries(pids)) series[name]!.push({ seconds, rss: rssOf(pid) });
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    series,
    /** Takes a last reading and stops. */
    stop() {
      clearInterval(timer);
      read();
      return series;
    },
  };
}

/** Least-squares slope of RSS over time, in MB per minute (0 for fewer than two samples). */
export function slopeMbPerMinute(samples: RssSample[]): number {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, x) => s + x.seconds, 0) / n;
  const my = samples.reduce((s, x) => s + x.rss, 0) / n;
  let num = 0;
  let den = 0;
  for (const x of samples) {
    num += (x.seconds - mx) * (x.rss - my);
    den += (x.seconds - mx) ** 2;
  }
  return den === 0 ? 0 : Math.round(((num / den) * 60) / 1024 / 1024 * 100) / 100;
}

/** The samples taken from `fromSeconds` on (inclusive) up to `toSeconds` (exclusive). */
export function between(samples: RssSample[], fromSeconds: number, toSeconds = Infinity): RssSample[] {
  return samples.filter((s) => s.seconds >= fromSeconds && s.seconds < toSeconds);
}
