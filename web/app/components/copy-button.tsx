import { useState } from 'react';

/** Copies `text` to the clipboard and says so; where the Clipboard API is missing, asks to copy by hand. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      // Insecure origins (plain http on a LAN address) have no clipboard access.
      setState('failed');
    }
  }
  return (
    <>
      <button type="button" className="button" onClick={() => void copy()}>
        {state === 'copied' ? 'Copied' : label}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {state === 'copied' ? 'Link copied' : ''}
      </span>
      {state === 'failed' ? <span className="muted"> Select the link and copy it.</span> : null}
    </>
  );
}
