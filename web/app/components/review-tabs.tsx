import { formatCount } from '../utils/format.ts';

export interface ReviewTab<Id extends string> {
  id: Id;
  name: string;
  count: number;
}

interface Props<Id extends string> {
  tabs: ReviewTab<Id>[];
  selected: Id;
  onSelect: (id: Id) => void;
  /** The id of the one tab panel these tabs switch. */
  panelId: string;
}

/** Pill-shaped tabs with a count each; the panel below shows the selected one. */
export function ReviewTabs<Id extends string>({ tabs, selected, onSelect, panelId }: Props<Id>) {
  return (
    <div className="review__tabs" role="tablist" aria-label="What to review">
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`${panelId}-tab-${t.id}`}
          aria-selected={t.id === selected}
          aria-controls={panelId}
          className={`review__tab${t.id === selected ? ' is-selected' : ''}`}
          onClick={() => onSelect(t.id)}
        >
          {t.name} <span className="badge">{formatCount(t.count)}</span>
        </button>
      ))}
    </div>
  );
}
