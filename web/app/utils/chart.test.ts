import { describe, expect, it } from 'vitest';
import { bandPath, evenTicks, extentOf, linePath, scaleLinear } from './chart.ts';

describe('chart geometry', () => {
  it('draws the 95% band around the points that have an interval, in x order, and nothing without one', () => {
    const identity = (v: number) => v;
    const points = [
      { x: 2, y: 0.5, low: 0.4, high: 0.6, note: '' },
      { x: 1, y: 0.3, low: 0.1, high: 0.5, note: '' },
      { x: 3, y: 0.7, note: '' },
    ];
    expect(bandPath(points, identity, identity)).toBe('M1.0,0.5 L2.0,0.6 L2.0,0.4 L1.0,0.1 Z');
    expect(bandPath([{ x: 1, y: 0.5, note: '' }], identity, identity)).toBe('');
  });

  it('maps a domain onto a range, and a single value to the middle', () => {
    expect(scaleLinear([0, 10], [0, 100])(5)).toBe(50);
    expect(scaleLinear([0, 1], [200, 0])(1)).toBe(0);
    expect(scaleLinear([7, 7], [0, 100])(7)).toBe(50);
  });

  it('ticks evenly, whole numbers without repeats when asked', () => {
    expect(evenTicks([0, 100], 5)).toEqual([0, 25, 50, 75, 100]);
    expect(evenTicks([10, 12], 6, true)).toEqual([10, 11, 12]);
    expect(evenTicks([3, 3], 6)).toEqual([3]);
  });

  it('draws points in x order and finds the extent over all series', () => {
    const points = [
      { x: 2, y: 0.5, note: '' },
      { x: 1, y: 0, note: '' },
    ];
    expect(linePath(points, (x) => x * 10, (y) => 100 - y * 100)).toBe('M10.0,100.0 L20.0,50.0');
    expect(extentOf([{ name: 'a', tone: 'accent', points }])).toEqual([1, 2]);
    expect(extentOf([])).toEqual([0, 0]);
  });
});
