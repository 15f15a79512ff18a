import { sentence } from '../utils/format.ts';

interface Props {
  labels: { id: number; name: string; shortcut: string | null }[];
  colours: Map<number, string>;
  selectedCount: number;
  resultCount: number;
  saving: boolean;
  error: string | null;
  onLabel: (labelId: number) => void;
  onSelectAll: () => void;
  onClear: () => void;
}

/** Kept in view under the grid: labels every ticked result at once. */
export function ExploreSelectionBar({ labels, colours, selectedCount, resultCount, saving, error, onLabel, onSelectAll, onClear }: Props) {
  const none = selectedCount === 0;
  return (
    <div className={`explore-selection${none ? '' : ' is-active'}`} role="group" aria-label="Label the selected samples" aria-busy={saving}>
      <div className="explore-selection__row">
        <p className="explore-selection__count" data-testid="selection-count">
          {none ? 'Tick samples to label several at once.' : `Label ${selectedCount} selected as`}
        </p>
        {none ? null : (
          <div className="explore-selection__labels">
            {labels.map((label) => (
              <button key={label.id} type="button" className="button button--small explore-selection__label" disabled={saving} onClick={() => onLabel(label.id)}>
                <span className="explore-chip__dot" style={{ background: colours.get(label.id) }} aria-hidden="true" />
                {label.name}
              </button>
            ))}
          </div>
        )}
        <div className="explore-selection__more">
          {selectedCount < resultCount ? (
            <button type="button" className="button button--small button--quiet" onClick={onSelectAll} disabled={saving}>
              Select all {resultCount}
            </button>
          ) : null}
          {none ? null : (
            <button type="button" className="button button--small button--quiet" onClick={onClear} disabled={saving}>
              Clear
            </button>
          )}
        </div>
      </div>
      {error ? (
        <p className="form-error" role="alert">
          {sentence(error)}
        </p>
      ) : null}
    </div>
  );
}
