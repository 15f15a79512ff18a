import { Link } from '@remix-run/react';
import { describeRareClass } from '../utils/explore.ts';
import { formatCount, percentOf, pluralize } from '../utils/format.ts';
import type { ClassDistribution } from '../utils/use-explore-overview.ts';

interface Props {
  projectId: number;
  distribution: ClassDistribution;
  colours: Map<number, string>;
  /** Shows a rare class's likely samples in the result grid. */
  onShowCandidates: (labelId: number) => void;
}

/**
 * Final labels per class as horizontal bars, in each label's map colour. Rare classes are marked
 * with what that means and, once the trainer found likely samples for them, two ways to label more.
 */
export function ExploreClasses({ projectId, distribution, colours, onShowCandidates }: Props) {
  const { classes, threshold, resolved, samples } = distribution;
  // Bars reach at least the rare threshold's length: with every class rare, none looks full.
  const largest = Math.max(1, threshold, ...classes.map((c) => c.count));
  return (
    <section className="panel explore-classes" aria-labelledby="classes-heading" data-testid="class-chart">
      <h2 id="classes-heading">Labels per class</h2>
      <p className="muted small">
        {formatCount(resolved)} of {pluralize(samples, 'sample')} have a final label ({percentOf(resolved, samples)}%).
      </p>
      <ul className="explore-classes__list">
        {classes.map((c) => (
          <li key={c.labelId} className={`explore-class${c.rare ? ' is-rare' : ''}`} data-label-id={c.labelId}>
            <div className="bar-chart__row">
              <span className="bar-chart__name" title={c.name}>
                {c.name}
              </span>
              <span className="bar-chart__track" aria-hidden="true">
                <span className="bar-chart__bar" style={{ width: `${(c.count / largest) * 100}%`, background: colours.get(c.labelId) }} />
              </span>
              <span className="bar-chart__value">
                <span data-testid={`class-count-${c.labelId}`}>{formatCount(c.count)}</span>
                {c.rare ? <span className="badge explore-class__badge">Rare</span> : null}
              </span>
            </div>
            {c.rare ? (
              <div className="explore-class__note">
                <p className="small">{describeRareClass(c.count, threshold)}</p>
                {c.candidates > 0 ? (
                  <div className="explore-class__actions">
                    {/* Opens the labeling page on the queue named "rare: NAME". */}
                    <Link
                      to={`/projects/${projectId}/label?rare=${c.labelId}`}
                      className="button button--small button--primary"
                      aria-label={`Label them now: rare: ${c.name}`}
                    >
                      Label them now <span className="explore-class__queue">rare: {c.name}</span>
                    </Link>
                    <button type="button" className="button button--small" onClick={() => onShowCandidates(c.labelId)}>
                      See likely samples ({formatCount(c.candidates)})
                    </button>
                  </div>
                ) : c.count > 0 ? (
                  <p className="small muted">Sift looks for more samples like it after the next model update.</p>
                ) : (
                  <p className="small muted">Search below for a few examples and label them.</p>
                )}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
