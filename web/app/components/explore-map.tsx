import { useId, useMemo, type MouseEvent } from 'react';
import { scaleLinear } from '../utils/chart.ts';
import { nearestPoint, unlabeledColour } from '../utils/explore.ts';
import { formatCount, pluralize } from '../utils/format.ts';
import type { SampleMap } from '../utils/use-explore-overview.ts';

interface Props {
  points: SampleMap['points'];
  labels: { id: number; name: string }[];
  colours: Map<number, string>;
  /** The sample whose neighbours the grid shows, drawn larger. */
  anchorId: number | null;
  /** Samples in the result grid, ringed. */
  resultIds: ReadonlySet<number>;
  onPick: (sampleId: number) => void;
}

const frame = { width: 640, height: 380, pad: 12 };
// Dots are small; a click this close (in chart units) to one still picks it.
const pickRadius = 14;

function extent(values: number[]): [number, number] {
  return values.length === 0 ? [0, 0] : [Math.min(...values), Math.max(...values)];
}

/** Chart coordinates of a click, whatever size the SVG is drawn at. */
function chartPointOf(event: MouseEvent<SVGSVGElement>): { x: number; y: number } | null {
  const matrix = event.currentTarget.getScreenCTM();
  if (!matrix) return null;
  const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
  return { x: point.x, y: point.y };
}

/**
 * Every sample as a dot, placed so that samples the model sees as alike lie close together, and
 * coloured by final label. A click on a dot shows samples like it.
 */
export function ExploreMap({ points, labels, colours, anchorId, resultIds, onPick }: Props) {
  const id = useId();
  const placed = useMemo(() => {
    const sx = scaleLinear(extent(points.map((p) => p.x)), [frame.pad, frame.width - frame.pad]);
    const sy = scaleLinear(extent(points.map((p) => p.y)), [frame.height - frame.pad, frame.pad]);
    // Unlabeled dots underneath, so the few labeled ones stay visible in a grey crowd.
    const ordered = [...points].sort((a, b) => Number(a.labelId !== null) - Number(b.labelId !== null));
    return ordered.map((p) => ({ sampleId: p.sampleId, labelId: p.labelId, x: sx(p.x), y: sy(p.y) }));
  }, [points]);
  const names = useMemo(() => new Map(labels.map((l) => [l.id, l.name])), [labels]);
  const counts = useMemo(() => {
    const byLabel = new Map<number | null, number>();
    for (const p of points) byLabel.set(p.labelId, (byLabel.get(p.labelId) ?? 0) + 1);
    return byLabel;
  }, [points]);

  // The picked sample is drawn last, so its larger dot is not hidden under its neighbours.
  const drawn = anchorId === null ? placed : [...placed.filter((p) => p.sampleId !== anchorId), ...placed.filter((p) => p.sampleId === anchorId)];

  const pick = (event: MouseEvent<SVGSVGElement>) => {
    const at = chartPointOf(event);
    const hit = at ? nearestPoint(placed, at.x, at.y, pickRadius) : undefined;
    if (hit) onPick(hit.sampleId);
  };

  return (
    <section className="panel explore-map" aria-labelledby="map-heading" data-testid="sample-map">
      <h2 id="map-heading">Map of the samples</h2>
      {points.length === 0 ? (
        <p className="explore-map__empty muted" data-testid="map-empty">
          No map yet. It appears once imported samples have been prepared, and is redrawn as the model learns.
        </p>
      ) : (
        <figure className="chart explore-map__figure">
          <p className="muted small">Similar samples lie close together. Click a dot to see samples like it.</p>
          <svg
            viewBox={`0 0 ${frame.width} ${frame.height}`}
            role="img"
            aria-labelledby={`${id}-title ${id}-desc`}
            className="chart__svg explore-map__svg"
            onClick={pick}
          >
            <title id={`${id}-title`}>Map of the samples</title>
            <desc id={`${id}-desc`}>{`${pluralize(points.length, 'sample')}, ${formatCount(counts.get(null) ?? 0)} without a final label.`}</desc>
            {drawn.map((p) => (
              <circle
                key={p.sampleId}
                cx={p.x}
                cy={p.y}
                r={p.sampleId === anchorId ? 7 : 4}
                fill={p.labelId === null ? unlabeledColour : colours.get(p.labelId)}
                className={`explore-map__point${p.sampleId === anchorId ? ' is-anchor' : resultIds.has(p.sampleId) ? ' is-result' : ''}`}
                data-sample-id={p.sampleId}
              >
                <title>{`Sample #${p.sampleId}: ${(p.labelId === null ? undefined : names.get(p.labelId)) ?? 'no final label yet'}`}</title>
              </circle>
            ))}
          </svg>
          <figcaption className="chart__legend explore-map__legend">
            {labels.map((label) => (
              <span key={label.id} className="explore-map__key">
                <span className="explore-map__swatch" style={{ background: colours.get(label.id) }} aria-hidden="true" />
                {label.name} <span className="muted">({formatCount(counts.get(label.id) ?? 0)})</span>
              </span>
            ))}
            <span className="explore-map__key">
              <span className="explore-map__swatch" style={{ background: unlabeledColour }} aria-hidden="true" />
              Not labeled yet <span className="muted">({formatCount(counts.get(null) ?? 0)})</span>
            </span>
          </figcaption>
        </figure>
      )}
    </section>
  );
}
