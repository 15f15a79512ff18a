import { useEffect, useState, type FormEvent } from 'react';
import { filterFromValue, filterToValue, type ExploreFilter } from '../utils/explore.ts';
import { readImageQuery } from '../utils/image-query.ts';
import type { ResultSource } from '../utils/use-explore-results.ts';

interface Props {
  dataType: 'text' | 'image';
  labels: { id: number; name: string }[];
  members: { userId: number; name: string }[];
  filter: ExploreFilter;
  /** What the results below show now: the query box empties when it is not a search by words. */
  source: ResultSource | null;
  busy: boolean;
  onFilter: (filter: ExploreFilter) => void;
  onSearch: (source: ResultSource) => void;
}

/** Search by words (text projects) or by an example image (image projects), and which samples to show. */
export function ExploreSearch({ dataType, labels, members, filter, source, busy, onFilter, onSearch }: Props) {
  const [text, setText] = useState('');
  const [imageError, setImageError] = useState<string | null>(null);
  // After "More like this", a click on the map or a rare class's samples, the words no longer say
  // what the results are: clear them rather than show a query that is not in effect.
  const searchingByWords = source === null || source.kind === 'text';
  useEffect(() => {
    if (!searchingByWords) setText('');
  }, [searchingByWords]);

  const submitText = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (text.trim()) onSearch({ kind: 'text', text: text.trim() });
  };

  const pickImage = async (file: File | undefined) => {
    setImageError(null);
    if (!file) return;
    try {
      onSearch({ kind: 'image', base64: await readImageQuery(file), fileName: file.name });
    } catch (err) {
      setImageError(err instanceof Error ? err.message : 'That image could not be read.');
    }
  };

  return (
    <section className="panel explore-search" aria-labelledby="search-heading">
      <h2 id="search-heading">Search</h2>
      <div className="explore-search__row">
        {dataType === 'text' ? (
          <form className="explore-search__query" role="search" onSubmit={submitText}>
            <div className="field">
              <label htmlFor="explore-text">Find samples about</label>
              <input
                id="explore-text"
                type="search"
                value={text}
                onChange={(e) => setText(e.target.value)}
                placeholder="e.g. card never arrived"
                maxLength={10_000}
              />
            </div>
            <button type="submit" className="button button--primary" disabled={busy || !text.trim()}>
              Search
            </button>
          </form>
        ) : (
          <div className="explore-search__query">
            <div className="field">
              <label htmlFor="explore-image">Find images like this one</label>
              <input
                id="explore-image"
                type="file"
                accept="image/*"
                disabled={busy}
                aria-invalid={imageError ? true : undefined}
                onChange={(e) => void pickImage(e.target.files?.[0])}
              />
              {imageError ? (
                <p className="field__error" role="alert">
                  {imageError}
                </p>
              ) : null}
            </div>
          </div>
        )}
        <div className="field explore-search__filter">
          <label htmlFor="explore-filter">Show</label>
          <select
            id="explore-filter"
            value={filterToValue(filter)}
            onChange={(e) => onFilter(filterFromValue(e.target.value))}
            aria-describedby="explore-filter-hint"
          >
            <option value="any">All samples</option>
            <option value="unlabeled">Not labeled yet</option>
            <optgroup label="Final label is">
              {labels.map((l) => (
                <option key={l.id} value={filterToValue({ kind: 'label', labelId: l.id })}>
                  {l.name}
                </option>
              ))}
            </optgroup>
            {members.length > 0 ? (
              <optgroup label="Labeled by">
                {members.map((m) => (
                  <option key={m.userId} value={filterToValue({ kind: 'annotator', userId: m.userId })}>
                    {m.name}
                  </option>
                ))}
              </optgroup>
            ) : null}
          </select>
          <p className="field__hint" id="explore-filter-hint">
            Also applies to “More like this”.
          </p>
        </div>
      </div>
    </section>
  );
}
