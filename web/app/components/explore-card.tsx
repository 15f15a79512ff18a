import { describeMatch, unlabeledColour } from '../utils/explore.ts';
import type { ExploreItem } from '../utils/use-explore-results.ts';

interface Props {
  item: ExploreItem;
  labelName: string | null;
  colour: string | undefined;
  selected: boolean;
  /** `range`: shift was held, so everything since the last ticked card follows. */
  onToggle: (id: number, range: boolean) => void;
  onMoreLikeThis: (id: number) => void;
}

/** One result: a tick box, the text or a thumbnail, its final label and how well it matched. */
export function ExploreCard({ item, labelName, colour, selected, onToggle, onMoreLikeThis }: Props) {
  const match = describeMatch(item);
  return (
    <li className={`explore-card${selected ? ' is-selected' : ''}`} data-testid="result-card" data-sample-id={item.id}>
      <div className="explore-card__head">
        <label className="explore-card__pick">
          {/* The click handler toggles, since only it sees whether shift was held; the change handler is a no-op. */}
          <input type="checkbox" checked={selected} onClick={(e) => onToggle(item.id, e.shiftKey)} onChange={() => undefined} />
          <span className="eyebrow">Sample #{item.id}</span>
        </label>
        {match ? <span className="explore-card__match small muted">{match}</span> : null}
      </div>
      {item.imageUrl ? (
        <img src={item.imageUrl} alt={`Sample ${item.id}`} loading="lazy" className="explore-card__image" />
      ) : (
        <p className="explore-card__text" data-testid="result-text">
          {item.text ?? ''}
        </p>
      )}
      <div className="explore-card__foot">
        <span
          className={`explore-chip${labelName ? '' : ' explore-chip--none'}`}
          title={labelName ?? undefined}
          style={{ borderColor: labelName ? colour : unlabeledColour }}
          data-testid="label-chip"
        >
          {labelName ? <span className="explore-chip__dot" style={{ background: colour }} aria-hidden="true" /> : null}
          <span className="explore-chip__name">{labelName ?? 'Not labeled yet'}</span>
        </span>
        <button type="button" className="button button--small button--quiet" onClick={() => onMoreLikeThis(item.id)}>
          More like this
        </button>
      </div>
    </li>
  );
}
