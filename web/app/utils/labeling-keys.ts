/**
 * Keyboard bindings of the labeling view. Labels own 1–9 and a–z (the server's defaults), so
 * the other commands use keys that can never be a label's shortcut.
 */
export type LabelingCommand = { kind: 'label'; labelId: number } | { kind: 'skip' } | { kind: 'undo' };

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  repeat: boolean;
}

export const keyHints = { skip: '→', undo: '⌫' } as const;

/** The command a key press means, or null when the press isn't ours (typing, browser shortcuts). */
export function commandForKey(press: KeyPress, labels: { id: number; shortcut: string | null }[]): LabelingCommand | null {
  // Holding a key down must not label a run of samples.
  if (press.repeat) return null;
  const key = press.key.toLowerCase();
  if ((press.ctrlKey || press.metaKey) && !press.altKey) return key === 'z' ? { kind: 'undo' } : null;
  if (press.ctrlKey || press.metaKey || press.altKey) return null;
  if (press.key === 'Backspace') return { kind: 'undo' };
  if (press.key === 'ArrowRight') return { kind: 'skip' };
  // Case-insensitive, so Caps Lock or Shift doesn't silently disable letter shortcuts.
  const label = labels.find((l) => l.shortcut !== null && l.shortcut === key);
  return label ? { kind: 'label', labelId: label.id } : null;
}

/** True when the key press belongs to a text field, select or editable region. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
