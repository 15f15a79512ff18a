import { useEffect, useRef } from 'react';
import { commandForKey, isTypingTarget, type LabelingCommand } from './labeling-keys.ts';

/** Listens for the labeling shortcuts on the whole window while `enabled`. */
export function useLabelingKeys(labels: { id: number; shortcut: string | null }[], onCommand: (command: LabelingCommand) => void, enabled: boolean) {
  const latest = useRef({ labels, onCommand });
  latest.current = { labels, onCommand };

  useEffect(() => {
    if (!enabled) return;
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTypingTarget(event.target)) return;
      const command = commandForKey(event, latest.current.labels);
      if (!command) return;
      // Backspace/→ would otherwise scroll, and a focused button would also "click" on its own.
      event.preventDefault();
      latest.current.onCommand(command);
    };
    window.addEventListener('keydown', onKeyDown);
    return () => window.removeEventListener('keydown', onKeyDown);
  }, [enabled]);
}
