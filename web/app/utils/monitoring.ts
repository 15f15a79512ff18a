import { z } from 'zod';
import { formatCount } from './format.ts';
import type { ProjectEvent } from './socket.client.ts';
import type { RouterOutputs } from './trpc.client.ts';

export type MonitoringOverview = RouterOutputs['monitoring']['overview'];
export type TrafficHour = MonitoringOverview['traffic'][number];
export type DriftHistoryEntry = MonitoringOverview['drift']['history'][number];

/** The windows the page offers; the server accepts 1–90 days. */
export const WINDOWS = [1, 7, 30] as const;

/** `?days=` as one of the offered windows; anything else is the default week. */
export function readWindow(raw: string | null): (typeof WINDOWS)[number] {
  return WINDOWS.find((d) => String(d) === raw) ?? 7;
}

/** One column of the traffic chart: a time slot, its predictions and how many abstained. */
export interface TrafficSlot {
  start: number;
  count: number;
  abstained: number;
}

const HOUR = 3_600_000;

/**
 * Every slot of the window, empty ones included (the server only returns hours with traffic), so
 * quiet hours show as gaps. Windows over a week are summed per day to keep columns readable.
 */
export function trafficSlots(traffic: TrafficHour[], days: number, now: Date): { slots: TrafficSlot[]; slotHours: number } {
  const slotHours = days > 7 ? 24 : 1;
  const size = slotHours * HOUR;
  const count = Math.round((days * 24) / slotHours);
  const last = Math.floor(now.getTime() / size) * size;
  const first = last - (count - 1) * size;
  const slots = Array.from({ length: count }, (_, i) => ({ start: first + i * size, count: 0, abstained: 0 }));
  for (const t of traffic) {
    const slot = slots[Math.floor((new Date(t.hour).getTime() - first) / size)];
    if (!slot) continue;
    slot.count += t.count;
    slot.abstained += t.abstained;
  }
  return { slots, slotHours };
}

/** "3.4 ms" below ten, "120 ms" above, "—" when there is nothing to measure. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${formatCount(Math.round(ms))} ms`;
}

/** "0.031", or "< 0.001" where three decimals would read as zero. */
export function formatPValue(p: number): string {
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** The ten confidence bins of the summary's histogram: "0–10%" … "90–100%". */
export function confidenceBins(histogram: number[]): { label: string; count: number }[] {
  return histogram.map((count, i) => ({ label: `${i * 10}–${(i + 1) * 10}%`, count }));
}

/**
 * The drift report in words. `drifted` is the alarm (this check and the one before both found a
 * difference); `signal` is this check alone (null for checks recorded before signals were).
 */
export function driftVerdict(report: { drifted: boolean; signal?: boolean | null; pValue: number; alpha: number; effect?: number | null; effectWords?: string | null }): {
  drifted: boolean;
  text: string;
} {
  const p = `p = ${formatPValue(report.pValue)}`;
  const effect = report.effect !== null && report.effect !== undefined && report.effectWords ? `; the embeddings differ ${formatTimes(report.effect)} as much as chance gives: ${report.effectWords}` : '';
  if (report.drifted) return { drifted: true, text: `Drift: production inputs differ from your data, in this check and the one before (${p}${effect}).` };
  if (report.signal) return { drifted: false, text: `One check found a difference (${p}${effect}). Not an alarm yet: it sounds if the next check finds it too.` };
  return { drifted: false, text: `No drift: production inputs look like your data (${p}${effect}).` };
}

function formatTimes(x: number): string {
  return `${x < 10 ? x.toFixed(1) : formatCount(Math.round(x))}×`;
}

/** Labels whose share differs most between production and the pool, largest difference first. */
export function largestShifts<T extends { production: number; reference: number }>(shares: T[], count = 8): T[] {
  return [...shares].sort((a, b) => Math.abs(b.production - b.reference) - Math.abs(a.production - a.reference)).slice(0, count);
}

/** The production-feedback setting in words; null threshold means it is off. */
export function feedbackText(belowConfidence: number | null): string {
  if (belowConfidence === null) return 'Off: low-confidence production inputs are not added to the labeling pool.';
  return `Low-confidence inputs go to the labeling pool below ${formatCount(Math.round(belowConfidence * 1000) / 10)}% confidence.`;
}

const DriftUpdated = z.object({ drifted: z.boolean(), pValue: z.number(), mmd2: z.number(), signal: z.boolean().optional() });
const Reason = z.object({ reason: z.string() });
const FeedbackAdded = z.object({ added: z.number(), duplicates: z.number() });

/** What a monitoring page hears from the project room that concerns it. */
export type MonitoringEvent =
  | { type: 'drift.updated'; drifted: boolean; pValue: number }
  | { type: 'drift.skipped'; reason: string }
  | { type: 'feedback.added'; added: number; duplicates: number }
  | { type: 'model.version' };

/** Socket payloads are only records on the wire: each field used is checked here. */
export function readMonitoringEvent(event: ProjectEvent): MonitoringEvent | null {
  if (event.type === 'drift.updated') {
    const parsed = DriftUpdated.safeParse(event.data);
    return parsed.success ? { type: event.type, drifted: parsed.data.drifted, pValue: parsed.data.pValue } : null;
  }
  if (event.type === 'drift.skipped') {
    const parsed = Reason.safeParse(event.data);
    return { type: event.type, reason: parsed.success ? parsed.data.reason : 'the drift check did not run' };
  }
  if (event.type === 'feedback.added') {
    const parsed = FeedbackAdded.safeParse(event.data);
    return parsed.success ? { type: event.type, ...parsed.data } : null;
  }
  return event.type === 'model.version' ? { type: event.type } : null;
}
