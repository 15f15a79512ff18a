/** Which samples search and "More like this" may return (the server's NeighbourFilterInput). */
export type ExploreFilter = { kind: 'any' } | { kind: 'label'; labelId: number } | { kind: 'unlabeled' } | { kind: 'annotator'; userId: number };

/** The filter as one `<select>` value: "any", "unlabeled", "label:3", "annotator:7". */
export function filterToValue(filter: ExploreFilter): string {
  if (filter.kind === 'label') return `label:${filter.labelId}`;
  if (filter.kind === 'annotator') return `annotator:${filter.userId}`;
  return filter.kind;
}

/** The inverse of {@link filterToValue}; anything unexpected means "any". */
export function filterFromValue(value: string): ExploreFilter {
  if (value === 'unlabeled') return { kind: 'unlabeled' };
  const [kind, id] = value.split(':');
  const n = Number(id);
  if (!Number.isInteger(n) || n <= 0) return { kind: 'any' };
  if (kind === 'label') return { kind: 'label', labelId: n };
  if (kind === 'annotator') return { kind: 'annotator', userId: n };
  return { kind: 'any' };
}

/**
 * Cosine distance (0 = same direction, 2 = opposite) as a similarity between 0 and 1, which reads
 * better as a percentage than a distance does.
 */
export function similarityOf(distance: number | null | undefined): number | null {
  if (distance === null || distance === undefined || !Number.isFinite(distance)) return null;
  return Math.min(1, Math.max(0, 1 - distance));
}

// Tableau 10: distinct at a glance, and none of them the grey of unlabeled samples.
const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#17becf'];
export const unlabeledColour = '#b8c0c8';

/** A colour per label, in label-set order; past ten labels the palette repeats, so the legend also names them. */
export function labelColours(labels: { id: number }[]): Map<number, string> {
  return new Map(labels.map((label, i) => [label.id, palette[i % palette.length]!]));
}

/**
 * The ids from `fromId` to `toId` inclusive, in list order (shift-click selection). Either end
 * missing from the list (results changed since the first click) selects just `toId`.
 */
export function idsBetween(ids: number[], fromId: number | null, toId: number): number[] {
  const from = fromId === null ? -1 : ids.indexOf(fromId);
  const to = ids.indexOf(toId);
  if (from < 0 || to < 0) return [toId];
  return ids.slice(Math.min(from, to), Math.max(from, to) + 1);
}

/** The point nearest to (x, y), if one lies within `radius`; for clicks on a crowded scatter plot. */
export function nearestPoint<T extends { x: number; y: number }>(points: T[], x: number, y: number, radius: number): T | undefined {
  let best: T | undefined;
  let bestDistance = radius * radius;
  for (const p of points) {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d <= bestDistance) {
      best = p;
      bestDistance = d;
    }
  }
  return best;
}

/** Why a class is highlighted, in the words of someone who labels rather than trains models. */
export function describeRareClass(count: number, threshold: number): string {
  if (count === 0) return 'No labels yet — the model can’t learn this class until it has a few examples.';
  return `Fewer than ${threshold} labels — the model will struggle with it.`;
}

/** How a result matched: its similarity to the query, or for rare-class candidates, the model's confidence. */
export function describeMatch(item: { distance?: number; probability?: number | null; similarity?: number }): string | null {
  const similarity = similarityOf(item.distance);
  if (similarity !== null) return `${Math.round(similarity * 100)}% similar`;
  if (item.probability !== null && item.probability !== undefined) return `${Math.round(item.probability * 100)}% likely`;
  if (item.similarity !== undefined) return `${Math.round(Math.max(0, item.similarity) * 100)}% similar`;
  return null;
}

/** The rare class whose queue the labeling page works through (`?rare=<labelId>`), if any. */
export function readRareLabelId(params: URLSearchParams): number | undefined {
  const id = Number(params.get('rare'));
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}
