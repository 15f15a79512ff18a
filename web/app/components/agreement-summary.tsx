import { formatAgreement, interpretAgreement } from '../utils/agreement.ts';
import { formatCount, pluralize } from '../utils/format.ts';
import type { TeamStats } from '../utils/team.ts';

const figures = [
  { key: 'cohen', name: 'Cohen’s κ', explanation: 'How much two people agree beyond chance, averaged over every pair who labeled the same samples.' },
  { key: 'fleiss', name: 'Fleiss’ κ', explanation: 'The same idea for the whole team at once, on samples labeled by several people.' },
  { key: 'alpha', name: 'Krippendorff’s α', explanation: 'Like Fleiss’ κ, but fair to samples that different numbers of people labeled.' },
] as const;

interface Props {
  agreement: TeamStats['agreement'];
  /** Member names by user id, for the pairs. */
  names: Map<number, string>;
}

/** The project's three agreement figures in words, then each pair of annotators. */
export function AgreementSummary({ agreement, names }: Props) {
  const pairs = agreement.pairs.filter((p) => p.items > 0);
  return (
    <>
      <dl className="agreement">
        {figures.map((f) => {
          const value = agreement[f.key];
          return (
            <div key={f.key} className="agreement__figure" data-testid={`agreement-${f.key}`}>
              <dt>{f.name}</dt>
              <dd className="agreement__value">{formatAgreement(value)}</dd>
              {/* Below moderate is worth a look at the guidelines: said in a warmer colour. */}
              <dd className={`agreement__words${value !== null && value < 0.4 ? ' is-low' : ''}`}>{interpretAgreement(value) ?? 'not enough shared samples yet'}</dd>
              <dd className="agreement__explanation">{f.explanation}</dd>
            </div>
          );
        })}
      </dl>
      <p className="muted small">
        From {pluralize(agreement.items, 'sample')} and {pluralize(agreement.ratings, 'annotation')}. 1 means everyone always agrees, 0 means no more
        than chance would give; the words follow Landis &amp; Koch (1977). Figures need at least two people labeling the same samples.
      </p>
      {pairs.length > 0 ? (
        <ul className="agreement__pairs">
          {pairs.map((p) => (
            <li key={`${p.a}-${p.b}`}>
              {names.get(p.a) ?? `#${p.a}`} &amp; {names.get(p.b) ?? `#${p.b}`}: <strong>{formatAgreement(p.kappa)}</strong>
              <span className="muted"> on {formatCount(p.items)} shared</span>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
