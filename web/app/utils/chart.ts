/** One value of a series; `note` becomes the point's tooltip. */
export interface ChartPoint {
  x: number;
  y: number;
  note: string;
  /** Drawn larger: the live version. */
  highlight?: boolean;
  /** The 95% interval, drawn as a shaded band around the line. */
  low?: number;
  high?: number;
}

export interface ChartSeries {
  name: string;
  /** Colour and dash, from the stylesheet: the accent for the headline figure, grey for the other. */
  tone: 'accent' | 'muted';
  points: ChartPoint[];
}

/**
 * Maps `domain` onto `range`. A domain of one value (a single version) maps to the middle of the
 * range instead of dividing by zero.
 */
export function scaleLinear([d0, d1]: [number, number], [r0, r1]: [number, number]): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** Smallest and largest x over all series; [0, 0] when there are no points. */
export function extentOf(series: ChartSeries[]): [number, number] {
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  return xs.length === 0 ? [0, 0] : [Math.min(...xs), Math.max(...xs)];
}

/**
 * Up to `count` evenly spaced ticks across [min, max]. With `whole`, ticks are rounded to integers
 * and repeats dropped (label counts have no halves).
 */
export function evenTicks([min, max]: [number, number], count: number, whole = false): number[] {
  if (max === min || count < 2) return [min];
  const ticks = Array.from({ length: count }, (_, i) => min + ((max - min) * i) / (count - 1));
  return whole ? [...new Set(ticks.map(Math.round))] : ticks;
}

/** An SVG path through the points in x order. */
export function linePath(points: ChartPoint[], sx: (x: number) => number, sy: (y: number) => number): string {
  return [...points]
    .sort((a, b) => a.x - b.x)
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`)
    .join(' ');
}

/** A closed SVG path around the points' intervals (those that have one), in x order; '' when none do. */
export function bandPath(points: ChartPoint[], sx: (x: number) => number, sy: (y: number) => number): string {
  const banded = [...points].filter((p) => p.low !== undefined && p.high !== undefined).sort((a, b) => a.x - b.x);
  if (banded.length === 0) return '';
  const top = banded.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p.x).toFixed(1)},${sy(p.high!).toFixed(1)}`);
  const bottom = [...banded].reverse().map((p) => `L${sx(p.x).toFixed(1)},${sy(p.low!).toFixed(1)}`);
  return `${[...top, ...bottom].join(' ')} Z`;
}
