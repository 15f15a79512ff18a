import { forwardRef } from 'react';
import { labelNameOf } from '../utils/review-events.ts';
import { sentence } from '../utils/format.ts';
import type { ExploreFilter } from '../utils/explore.ts';
import type { ResultSource, useExploreResults } from '../utils/use-explore-results.ts';
import { ExploreCard } from './explore-card.tsx';
import { ExploreSelectionBar } from './explore-selection-bar.tsx';

interface Props {
  results: ReturnType<typeof useExploreResults>;
  labels: { id: number; name: string; shortcut: string | null }[];
  members: { userId: number; name: string }[];
  colours: Map<number, string>;
  onMoreLikeThis: (sampleId: number) => void;
}

type Named = { id: number; name: string };

function titleOf(source: ResultSource, labels: Named[]): string {
  if (source.kind === 'text') return `Results for “${source.text}”`;
  if (source.kind === 'image') return `Images like “${source.fileName}”`;
  if (source.kind === 'similar') return `More like sample #${source.sampleId}`;
  return `Likely “${labelNameOf(labels, source.labelId)}” samples`;
}

function filterNote(source: ResultSource, filter: ExploreFilter, labels: Named[], members: { userId: number; name: string }[]): string | null {
  if (source.kind === 'rare') return 'Samples without a final label that may belong to this class, most likely first.';
  if (filter.kind === 'unlabeled') return 'Only samples not labeled yet.';
  if (filter.kind === 'label') return `Only samples labeled “${labelNameOf(labels, filter.labelId)}”.`;
  if (filter.kind === 'annotator') return `Only samples labeled by ${members.find((m) => m.userId === filter.userId)?.name ?? 'that person'}.`;
  return null;
}

/** The result grid with its heading, the sample it started from, and the bulk-label bar. */
export const ExploreResults = forwardRef<HTMLElement, Props>(function ExploreResults({ results, labels, members, colours, onMoreLikeThis }, ref) {
  const { source, items, anchor, loading, error, selected, notice } = results;
  const names = new Map(labels.map((l) => [l.id, l.name]));
  const note = source ? filterNote(source, results.filter, labels, members) : null;
  return (
    <section ref={ref} className="panel explore-results" aria-labelledby="results-heading" aria-busy={loading} data-testid="results">
      <div className="explore-results__head">
        <h2 id="results-heading">{source ? titleOf(source, labels) : 'Results'}</h2>
        {loading ? (
          <span className="live-model__training">
            <span className="spinner" aria-hidden="true" /> Looking…
          </span>
        ) : null}
      </div>
      {note ? <p className="muted small">{note}</p> : null}
      <p className="toast" role="status" aria-live="polite" data-testid="explore-notice">
        {notice ? <span key={notice.id}>{notice.text}</span> : null}
      </p>
      {anchor && source?.kind === 'similar' ? (
        <div className="explore-anchor" data-testid="anchor-sample">
          <p className="eyebrow">The sample you picked</p>
          {anchor.imageUrl ? (
            <img src={anchor.imageUrl} alt={`Sample ${anchor.id}`} className="explore-anchor__image" />
          ) : (
            <p className="explore-anchor__text">{anchor.text}</p>
          )}
        </div>
      ) : null}
      {error ? (
        <p className="form-error" role="alert">
          {sentence(error)}
        </p>
      ) : null}
      {!source ? (
        <p className="explore-results__empty muted">Search, click a dot on the map, or open a rare class’s likely samples to see them here.</p>
      ) : !loading && !error && items.length === 0 ? (
        <p className="explore-results__empty muted">Nothing found. Try other words or another filter.</p>
      ) : null}
      {items.length > 0 ? (
        <>
          <ul className={`explore-grid${loading ? ' is-busy' : ''}`}>
            {items.map((item) => (
              <ExploreCard
                key={item.id}
                item={item}
                labelName={item.labelId === null ? null : (names.get(item.labelId) ?? `label #${item.labelId}`)}
                colour={item.labelId === null ? undefined : colours.get(item.labelId)}
                selected={selected.has(item.id)}
                onToggle={results.toggle}
                onMoreLikeThis={onMoreLikeThis}
              />
            ))}
          </ul>
          <ExploreSelectionBar
            labels={labels}
            colours={colours}
            selectedCount={selected.size}
            resultCount={items.length}
            saving={results.saving}
            error={results.saveError}
            onLabel={(labelId) => void results.labelSelected(labelId)}
            onSelectAll={results.selectAll}
            onClear={results.clearSelection}
          />
        </>
      ) : null}
    </section>
  );
});
