import { describe, expect, it } from 'vitest';
import { describeResolution, readResolutionChange } from './review-events.ts';

const event = (type: string, data: Record<string, unknown> = {}) => ({ projectId: 1, type, data });
const labels = [
  { id: 1, name: 'Refund' },
  { id: 2, name: 'Cancel' },
];

describe('review events', () => {
  it('reads a resolution change and ignores other or malformed events', () => {
    const data = { sampleId: 7, labelId: 1, method: 'review', by: { id: 3, name: 'Ana' } };
    expect(readResolutionChange(event('resolution.changed', data))).toEqual(data);
    expect(readResolutionChange(event('annotation.changed', data))).toBeNull();
    expect(readResolutionChange(event('resolution.changed', { sampleId: 'x' }))).toBeNull();
  });

  it('describes who resolved which sample as what', () => {
    const change = { sampleId: 7, labelId: 1, method: 'review', by: { id: 3, name: 'Ana' } };
    expect(describeResolution(change, labels, null)).toBe('Ana resolved a sample as Refund');
    expect(describeResolution(change, labels, 7)).toBe('Ana resolved this sample as Refund');
    expect(describeResolution({ ...change, by: undefined, labelId: 9 }, labels, null)).toBe('A reviewer resolved a sample as label #9');
  });
});
