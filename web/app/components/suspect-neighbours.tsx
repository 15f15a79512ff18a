import { useState } from 'react';
import { labelNameOf } from '../utils/review-events.ts';
import { trpc, type RouterOutputs } from '../utils/trpc.client.ts';

type Neighbour = RouterOutputs['explore']['similar']['items'][number];

// As many as vote in the suspect's "nearest labeled samples" figure (NEIGHBOURS in
// trainer/jobs/review-data.ts), so the list is the evidence behind that figure.
export const NEAREST_SHOWN = 10;

/**
 * The labeled samples nearest to a suspect, on demand: they are the evidence behind "nearest
 * labeled samples also labeled …", and often show at a glance which label is right.
 */
export function SuspectNeighbours({ projectId, sampleId, labels }: { projectId: number; sampleId: number; labels: { id: number; name: string }[] }) {
  const [state, setState] = useState<{ status: 'idle' | 'loading' | 'error'; items: Neighbour[]; error?: string }>({ status: 'idle', items: [] });
  const [open, setOpen] = useState(false);
  const toggle = () => {
    setOpen((was) => !was);
    if (open || state.items.length > 0) return;
    setState({ status: 'loading', items: [] });
    trpc.explore.similar
      .query({ projectId, sampleId, k: NEAREST_SHOWN, filter: { kind: 'labeled' } })
      .then((result) => setState({ status: 'idle', items: result.items }))
      .catch((error: unknown) => setState({ status: 'error', items: [], error: error instanceof Error ? error.message : 'could not load them' }));
  };
  return (
    <div className="suspect-neighbours">
      <button type="button" className="button button--small" aria-expanded={open} onClick={toggle}>
        {open ? 'Hide' : 'Show'} the {NEAREST_SHOWN} nearest labeled samples
      </button>
      {open && state.status === 'loading' && <p className="muted">Looking…</p>}
      {open && state.status === 'error' && <p role="alert">Could not load similar samples: {state.error}</p>}
      {open && state.status === 'idle' && (
        <ul className="suspect-neighbours__list" data-testid="suspect-neighbours">
          {state.items.map((n) => (
            <li key={n.id}>
              <span className="suspect-neighbours__label">{n.labelId === null ? 'not labeled' : labelNameOf(labels, n.labelId)}</span>{' '}
              {n.imageUrl ? <img src={n.imageUrl} alt={`Sample ${n.id}`} width={48} height={48} /> : <span>{n.text}</span>}
            </li>
          ))}
          {state.items.length === 0 && <li className="muted">No labeled samples with embeddings yet.</li>}
        </ul>
      )}
    </div>
  );
}
