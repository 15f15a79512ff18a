import { keyHints } from '../utils/labeling-keys.ts';

interface Props {
  labels: { id: number; name: string; shortcut: string | null }[];
  /** The user's existing label on this sample (e.g. after undo of a relabel), highlighted. */
  currentLabelId: number | null;
  busy: boolean;
  onLabel: (labelId: number) => void;
  onSkip: () => void;
  onUndo: () => void;
}

/** The label buttons, each with its key, then Skip and Undo. */
export function LabelPad({ labels, currentLabelId, busy, onLabel, onSkip, onUndo }: Props) {
  return (
    <div className="label-pad" aria-busy={busy}>
      <div className="label-pad__labels" role="group" aria-label="Labels">
        {labels.map((label) => (
          <button
            key={label.id}
            type="button"
            className={`label-button${label.id === currentLabelId ? ' is-current' : ''}`}
            data-testid={`label-button-${label.shortcut ?? `id-${label.id}`}`}
            aria-keyshortcuts={label.shortcut ?? undefined}
            onClick={() => onLabel(label.id)}
          >
            {label.shortcut ? <kbd>{label.shortcut}</kbd> : null}
            <span className="label-button__name">{label.name}</span>
          </button>
        ))}
      </div>
      <div className="label-pad__commands">
        <button type="button" className="button" onClick={onSkip} aria-keyshortcuts="ArrowRight" title="Skip for now (→ key)">
          Skip <kbd>{keyHints.skip}</kbd>
        </button>
        <button type="button" className="button" onClick={onUndo} aria-keyshortcuts="Backspace Control+Z Meta+Z" title="Undo your last label (Backspace or Ctrl+Z)">
          Undo <kbd>{keyHints.undo}</kbd>
        </button>
      </div>
    </div>
  );
}
