import { Link } from '@remix-run/react';
import { pluralize } from '../utils/format.ts';

interface Props {
  /** `done`: nothing left for this user; `stalled`: the label was saved but the next sample didn't load. */
  kind: 'done' | 'stalled';
  projectId: number;
  skippedCount: number;
  busy: boolean;
  onReload: (options?: { includeSkipped?: boolean }) => void;
  onUndo: () => void;
}

/** What the labeling view shows instead of a sample. */
export function QueueEnd({ kind, projectId, skippedCount, busy, onReload, onUndo }: Props) {
  if (kind === 'stalled') {
    return (
      <section className="panel empty">
        <h2>Your label was saved</h2>
        <p>The next sample didn't load.</p>
        <button type="button" className="button button--primary" onClick={() => onReload()} disabled={busy}>
          Load the next sample
        </button>
      </section>
    );
  }
  return (
    <section className="panel empty" data-testid="all-done">
      <h2>All done</h2>
      <p>
        {skippedCount > 0
          ? `Nothing left to label except the ${pluralize(skippedCount, 'sample')} you skipped.`
          : 'There are no unlabeled samples left for you in this project.'}
      </p>
      <div className="actions">
        <Link to={`/projects/${projectId}`} className="button button--primary">
          Back to the overview
        </Link>
        {skippedCount > 0 ? (
          <button type="button" className="button" onClick={() => onReload({ includeSkipped: true })} disabled={busy}>
            Label skipped samples
          </button>
        ) : null}
        <button type="button" className="button button--quiet" onClick={onUndo} disabled={busy}>
          Undo last label
        </button>
      </div>
    </section>
  );
}
