/**
 * The team page's figures, as pure functions of the project's annotations and resolutions:
 * inter-annotator agreement (see trainer/ml/agreement.ts) and per-annotator work.
 */
import { agreementReport } from '#trainer/ml/agreement.ts';

export interface AnnotationFact {
  sampleId: number;
  userId: number;
  labelId: number;
  durationMs: number;
  createdAt: Date;
}

export interface ResolutionFact {
  sampleId: number;
  labelId: number;
  method: string;
  resolvedBy: number | null;
}

export interface AnnotatorStats {
  userId: number;
  name: string;
  annotations: number;
  /** Share of their annotations that match the sample's resolution, over `compared` annotations. */
  agreementWithResolution: number | null;
  compared: number;
  medianMs: number | null;
  /** Samples per hour of time spent on samples (as the browser measured it). */
  perHour: number | null;
  /** Annotations per day over the last `days` days, oldest first (UTC dates). */
  daily: { day: string; count: number }[];
}

const DAYS = 14;

/** Agreement statistics (labels as categories) and per-annotator figures for every member. */
export function computeTeamStats(input: {
  annotations: AnnotationFact[];
  resolutions: ResolutionFact[];
  members: { userId: number; name: string }[];
  now: Date;
}) {
  const ratings = input.annotations.map((a) => ({ item: a.sampleId, annotator: a.userId, category: a.labelId }));
  const resolutionOf = new Map(input.resolutions.map((r) => [r.sampleId, r]));
  return {
    agreement: agreementReport(ratings),
    annotators: input.members.map((m) => annotatorStats(m, input.annotations.filter((a) => a.userId === m.userId), resolutionOf, input.now)),
  };
}

function annotatorStats(member: { userId: number; name: string }, mine: AnnotationFact[], resolutionOf: Map<number, ResolutionFact>, now: Date): AnnotatorStats {
  // A resolution the annotator reached alone (overlap 1) agrees with them by construction: skip it.
  const comparable = mine.filter((a) => {
    const resolution = resolutionOf.get(a.sampleId);
    return resolution !== undefined && !(resolution.method === 'single' && resolution.resolvedBy === member.userId);
  });
  const agreeing = comparable.filter((a) => resolutionOf.get(a.sampleId)!.labelId === a.labelId).length;
  const totalMs = mine.reduce((sum, a) => sum + a.durationMs, 0);
  return {
    userId: member.userId,
    name: member.name,
    annotations: mine.length,
    agreementWithResolution: comparable.length > 0 ? agreeing / comparable.length : null,
    compared: comparable.length,
    medianMs: median(mine.map((a) => a.durationMs)),
    perHour: totalMs > 0 ? mine.length / (totalMs / 3_600_000) : null,
    daily: dailyCounts(mine, now, DAYS),
  };
}

/** The median of `values`, or null for none. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function dailyCounts(annotations: AnnotationFact[], now: Date, days: number): { day: string; count: number }[] {
  const dayOf = (date: Date) => date.toISOString().slice(0, 10);
  const out = Array.from({ length: days }, (_, i) => ({ day: dayOf(new Date(now.getTime() - (days - 1 - i) * 86_400_000)), count: 0 }));
  const index = new Map(out.map((d, i) => [d.day, i]));
  for (const a of annotations) {
    const i = index.get(dayOf(a.createdAt));
    if (i !== undefined) out[i]!.count += 1;
  }
  return out;
}
