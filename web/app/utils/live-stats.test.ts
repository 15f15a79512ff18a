import { describe, expect, it } from 'vitest';
import { statsAction } from './use-live-stats.ts';

const event = (type: string, data: Record<string, unknown> = {}) => ({ projectId: 1, type, data });
const stats = { sampleCount: 10, resolvedCount: 3, annotationCount: 4, labelCounts: [{ labelId: 1, count: 3 }], annotators: [{ userId: 2, name: 'A', count: 4, lastAt: '2026-12-03T10:00:00.000Z' }] };

describe('statsAction', () => {
  it('takes the counts the server broadcasts, and asks again when they are malformed', () => {
    expect(statsAction(event('stats.updated', stats))).toEqual({ kind: 'replace', stats });
    expect(statsAction(event('stats.updated', { sampleCount: 'ten' }))).toEqual({ kind: 'refresh' });
  });

  it('ignores labels (their counts follow as stats.updated) and the trainer; asks after reviews and imports', () => {
    expect(statsAction(event('annotation.changed', { sampleId: 1 }))).toEqual({ kind: 'ignore' });
    expect(statsAction(event('embed.progress', { total: 1, embedded: 0 }))).toEqual({ kind: 'ignore' });
    expect(statsAction(event('resolution.changed', { sampleId: 1 }))).toEqual({ kind: 'refresh' });
    expect(statsAction(event('import.completed', { imported: 3 }))).toEqual({ kind: 'refresh' });
  });
});
