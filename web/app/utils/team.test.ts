import { describe, expect, it } from 'vitest';
import { countTicks, formatRate, teamDays } from './team.ts';

const annotator = (name: string, counts: number[]) => ({
  userId: name.length,
  name,
  annotations: counts.reduce((a, b) => a + b, 0),
  agreementWithResolution: null,
  compared: 0,
  medianMs: null,
  perHour: null,
  daily: counts.map((count, i) => ({ day: `2025-01-0${i + 1}`, count })),
});

describe('team figures', () => {
  it('adds the annotators up per day, busiest first', () => {
    const days = teamDays([annotator('Ann', [1, 0, 2]), annotator('Bob', [3, 0, 2])]);
    expect(days.map((d) => d.total)).toEqual([4, 0, 4]);
    expect(days[0]!.people).toEqual([
      { name: 'Bob', count: 3 },
      { name: 'Ann', count: 1 },
    ]);
    expect(days[1]!.people).toEqual([]);
    expect(days[2]!.people.map((p) => p.name)).toEqual(['Ann', 'Bob']);
  });

  it('picks round ticks that cover the busiest day', () => {
    expect(countTicks(0)).toEqual([0, 1]);
    expect(countTicks(1)).toEqual([0, 1]);
    expect(countTicks(3)).toEqual([0, 1, 2, 3]);
    expect(countTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(countTicks(37)).toEqual([0, 10, 20, 30, 40]);
    expect(countTicks(180)).toEqual([0, 50, 100, 150, 200]);
  });

  it('rounds rates to what matters', () => {
    expect(formatRate(null)).toBe('—');
    expect(formatRate(4.26)).toBe('4.3');
    expect(formatRate(41.6)).toBe('42');
    expect(formatRate(17349.2)).toBe('17,349');
  });
});
