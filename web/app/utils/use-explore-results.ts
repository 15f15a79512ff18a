import { useCallback, useRef, useState } from 'react';
import { describeError } from './errors.ts';
import { idsBetween, type ExploreFilter } from './explore.ts';
import { pluralize } from './format.ts';
import { labelNameOf } from './review-events.ts';
import { trpc, type SampleView } from './trpc.client.ts';
import type { Notice } from './use-labeling-session.ts';

/** What fills the result grid: a search, "More like this" for one sample, or a rare class's candidates. */
export type ResultSource =
  | { kind: 'text'; text: string }
  | { kind: 'image'; base64: string; fileName: string }
  | { kind: 'similar'; sampleId: number }
  | { kind: 'rare'; labelId: number };

/** One result: search and "More like this" give a distance, rare-class candidates the model's guess. */
export interface ExploreItem {
  id: number;
  text: string | null;
  imageUrl: string | null;
  labelId: number | null;
  distance?: number;
  probability?: number | null;
  similarity?: number;
}

// A multiple of 2, 3 and 4, so the grid's last row is full at common widths.
const resultCount = 24;
const rareCount = 48;

async function fetchResults(projectId: number, source: ResultSource, filter: ExploreFilter): Promise<{ items: ExploreItem[]; anchor: SampleView | null }> {
  if (source.kind === 'rare') {
    const { items } = await trpc.explore.rare.query({ projectId, labelId: source.labelId, limit: rareCount });
    return { items, anchor: null };
  }
  if (source.kind === 'similar') {
    // The sample itself is shown above its neighbours: after a click on the map it is not on screen yet.
    const [{ items }, anchor] = await Promise.all([
      trpc.explore.similar.query({ projectId, sampleId: source.sampleId, k: resultCount, filter }),
      trpc.labeling.sample.query({ projectId, sampleId: source.sampleId }),
    ]);
    return { items, anchor };
  }
  const query = source.kind === 'text' ? { kind: 'text' as const, text: source.text } : { kind: 'image' as const, base64: source.base64 };
  const { items } = await trpc.explore.search.mutate({ projectId, query, k: resultCount, filter });
  return { items, anchor: null };
}

interface Options {
  projectId: number;
  labels: { id: number; name: string }[];
  /** After a bulk label is saved: the class counts changed. */
  onLabeled: () => void;
}

/**
 * The explore page's result grid: what it shows (and the filter applied to it), the selection, and
 * bulk labeling of the selection. Responses that arrive after a newer request are dropped.
 */
export function useExploreResults({ projectId, labels, onLabeled }: Options) {
  const [source, setSource] = useState<ResultSource | null>(null);
  const [filter, setFilterState] = useState<ExploreFilter>({ kind: 'any' });
  const [items, setItems] = useState<ExploreItem[]>([]);
  const [anchor, setAnchor] = useState<SampleView | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const sequence = useRef(0);
  const lastPicked = useRef<number | null>(null);

  /** Runs a query. `refresh` (after a bulk label) keeps the old cards on screen until the new ones arrive. */
  const load = useCallback(
    async (next: ResultSource, nextFilter: ExploreFilter, refresh = false) => {
      const mine = ++sequence.current;
      setSource(next);
      setLoading(true);
      setError(null);
      setSelected(new Set());
      lastPicked.current = null;
      // Cards of the previous query must not be ticked while the new ones load.
      if (!refresh) {
        setItems([]);
        setAnchor(null);
      }
      try {
        const found = await fetchResults(projectId, next, nextFilter);
        if (mine !== sequence.current) return;
        setItems(found.items);
        setAnchor(found.anchor);
      } catch (err) {
        if (mine !== sequence.current) return;
        setItems([]);
        setAnchor(null);
        setError(describeError(err));
      } finally {
        if (mine === sequence.current) setLoading(false);
      }
    },
    [projectId],
  );

  /** Shows new results (a search, a click on "More like this" or on the map). */
  const show = useCallback(
    (next: ResultSource) => {
      setNotice(null);
      setSaveError(null);
      void load(next, filter);
    },
    [load, filter],
  );

  /** Changes the filter and, unless the grid shows rare-class candidates (never filtered), runs the query again. */
  const setFilter = useCallback(
    (next: ExploreFilter) => {
      setFilterState(next);
      if (source && source.kind !== 'rare') void load(source, next);
    },
    [load, source],
  );

  /** Ticks or unticks a result; with `range` (shift-click) everything since the last pick follows it. */
  const toggle = useCallback(
    (id: number, range: boolean) => {
      // Read now: the updater below runs at the next render, after the ref has moved on.
      const ids = range ? idsBetween(items.map((i) => i.id), lastPicked.current, id) : [id];
      setSelected((current) => {
        const next = new Set(current);
        const on = !current.has(id);
        for (const each of ids) {
          if (on) next.add(each);
          else next.delete(each);
        }
        return next;
      });
      lastPicked.current = id;
    },
    [items],
  );

  const selectAll = useCallback(() => setSelected(new Set(items.map((i) => i.id))), [items]);
  const clearSelection = useCallback(() => setSelected(new Set()), []);

  /** Gives every selected result one label (all or nothing), then shows the grid again with its new labels. */
  const labelSelected = useCallback(
    async (labelId: number) => {
      if (selected.size === 0 || saving || !source) return;
      setSaving(true);
      setSaveError(null);
      try {
        const { labeled } = await trpc.labeling.annotateMany.mutate({ projectId, sampleIds: [...selected], labelId });
        setNotice({ id: Date.now(), text: `Labeled ${pluralize(labeled, 'sample')} as “${labelNameOf(labels, labelId)}”.` });
        onLabeled();
        await load(source, filter, true);
      } catch (err) {
        setSaveError(describeError(err));
      } finally {
        setSaving(false);
      }
    },
    [selected, saving, source, projectId, labels, onLabeled, load, filter],
  );

  /** A sample's final label changed elsewhere (a reviewer settled it): update its chip in place. */
  const patchLabel = useCallback((sampleId: number, labelId: number) => {
    setItems((current) => current.map((item) => (item.id === sampleId ? { ...item, labelId } : item)));
  }, []);

  return {
    source,
    filter,
    items,
    anchor,
    loading,
    error,
    selected,
    saving,
    saveError,
    notice,
    show,
    setFilter,
    toggle,
    selectAll,
    clearSelection,
    labelSelected,
    patchLabel,
  };
}
