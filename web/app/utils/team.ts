import { formatCount } from './format.ts';
import type { RouterOutputs } from './trpc.client.ts';

export type TeamStats = RouterOutputs['review']['team'];
export type AnnotatorStats = TeamStats['annotators'][number];

/** One day of the team's work: the total and who did it (busiest first). */
export interface TeamDay {
  day: string;
  total: number;
  people: { name: string; count: number }[];
}

/** The annotators' daily counts added up per day; the days are the same for everyone (the server's window). */
export function teamDays(annotators: AnnotatorStats[]): TeamDay[] {
  const days = new Map<string, TeamDay>();
  for (const a of annotators) {
    for (const { day, count } of a.daily) {
      const entry = days.get(day) ?? { day, total: 0, people: [] };
      entry.total += count;
      if (count > 0) entry.people.push({ name: a.name, count });
      days.set(day, entry);
    }
  }
  const out = [...days.values()].sort((x, y) => x.day.localeCompare(y.day));
  for (const d of out) d.people.sort((x, y) => y.count - x.count || x.name.localeCompare(y.name));
  return out;
}

/**
 * Whole-number axis ticks from 0 to at least `max`, 1, 2 or 5 times a power of ten apart, so a
 * busy day's 37 reads against 0, 10, 20, 30, 40 rather than 0, 9.25, 18.5 ….
 */
export function countTicks(max: number, target = 4): number[] {
  if (max <= 0) return [0, 1];
  const raw = Math.max(1, max / target);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: top / step + 1 }, (_, i) => i * step);
}

/** "12.5" below ten an hour, "42" above: the decimals only matter for slow, careful work. */
export function formatRate(perHour: number | null): string {
  if (perHour === null || !Number.isFinite(perHour)) return '—';
  return perHour < 10 ? perHour.toFixed(1) : formatCount(Math.round(perHour));
}
