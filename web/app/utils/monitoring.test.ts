import { describe, expect, it } from 'vitest';
import { driftVerdict, feedbackText, largestShifts, formatMs, formatPValue, readMonitoringEvent, readWindow, trafficSlots } from './monitoring.ts';

const hour = (iso: string, count: number, abstained = 0) => ({ hour: iso, count, abstained, p50Ms: 1, p95Ms: 2, p99Ms: 3, meanConfidence: 0.8 });

describe('monitoring figures', () => {
  it('fills every hour of the window, quiet ones with zero, and drops traffic outside it', () => {
    const now = new Date('2025-03-10T12:34:00Z');
    const { slots, slotHours } = trafficSlots([hour('2025-03-10T12:00:00Z', 5, 2), hour('2025-03-10T09:00:00Z', 1), hour('2025-03-01T00:00:00Z', 9)], 1, now);
    expect(slotHours).toBe(1);
    expect(slots).toHaveLength(24);
    expect(slots.at(-1)).toEqual({ start: Date.parse('2025-03-10T12:00:00Z'), count: 5, abstained: 2 });
    expect(slots.at(-4)!.count).toBe(1);
    expect(slots.reduce((s, x) => s + x.count, 0)).toBe(6);
  });

  it('sums windows over a week per day', () => {
    const now = new Date('2025-03-10T12:00:00Z');
    const { slots, slotHours } = trafficSlots([hour('2025-03-10T01:00:00Z', 2), hour('2025-03-10T11:00:00Z', 3, 1)], 30, now);
    expect([slotHours, slots.length]).toEqual([24, 30]);
    expect(slots.at(-1)).toMatchObject({ count: 5, abstained: 1 });
  });

  it('reads the window from the URL, defaulting to a week', () => {
    expect([readWindow('1'), readWindow('30'), readWindow('5'), readWindow(null)]).toEqual([1, 30, 7, 7]);
  });

  it('words latencies, p-values, verdicts and the feedback setting', () => {
    expect([formatMs(3.44), formatMs(120.4), formatMs(2500), formatMs(null)]).toEqual(['3.4 ms', '120 ms', '2.50 s', '—']);
    expect([formatPValue(0.0312), formatPValue(0.0002)]).toEqual(['0.031', '< 0.001']);
    expect(driftVerdict({ drifted: true, signal: true, pValue: 0.004, alpha: 0.01, effect: 3.21, effectWords: 'clearly different' }).text).toBe(
      'Drift: production inputs differ from your data, in this check and the one before (p = 0.004; the embeddings differ 3.2× as much as chance gives: clearly different).',
    );
    expect(driftVerdict({ drifted: false, signal: true, pValue: 0.004, alpha: 0.01 }).text).toMatch(/^One check found a difference \(p = 0\.004\)\. Not an alarm yet/);
    expect(driftVerdict({ drifted: false, pValue: 0.4, alpha: 0.05 })).toMatchObject({ drifted: false, text: 'No drift: production inputs look like your data (p = 0.400).' });
    expect(largestShifts([{ production: 0.1, reference: 0.1 }, { production: 0.5, reference: 0.1 }, { production: 0, reference: 0.2 }], 2)).toEqual([{ production: 0.5, reference: 0.1 }, { production: 0, reference: 0.2 }]);
    expect(feedbackText(0.6)).toContain('below 60% confidence');
    expect(feedbackText(null)).toMatch(/^Off/);
  });

  it('checks event payloads and ignores events of other pages', () => {
    const ev = (type: string, data: Record<string, unknown>) => ({ projectId: 1, type, data });
    expect(readMonitoringEvent(ev('drift.updated', { drifted: true, pValue: 0.01, mmd2: 0.2 }))).toEqual({ type: 'drift.updated', drifted: true, pValue: 0.01 });
    expect(readMonitoringEvent(ev('drift.updated', { drifted: 'yes' }))).toBeNull();
    expect(readMonitoringEvent(ev('drift.skipped', { reason: 'needs 30 predictions' }))).toEqual({ type: 'drift.skipped', reason: 'needs 30 predictions' });
    expect(readMonitoringEvent(ev('feedback.added', { added: 2, duplicates: 1 }))).toEqual({ type: 'feedback.added', added: 2, duplicates: 1 });
    expect(readMonitoringEvent(ev('annotation.changed', {}))).toBeNull();
  });
});
