import { useState } from 'react';

interface Props {
  code: string;
  /** Names the block for screen readers and the copy button ("curl", "Response"). */
  label: string;
  testId?: string;
}

/** Preformatted code with a copy button; where the Clipboard API is missing, asks to copy by hand. */
export function CodeBlock({ code, label, testId }: Props) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(code);
      setState('copied');
    } catch {
      // Insecure origins (plain http on a LAN address) have no clipboard access.
      setState('failed');
    }
  }
  return (
    <div className="code-block">
      <pre className="code-block__pre" aria-label={label} tabIndex={0} data-testid={testId}>
        <code>{code}</code>
      </pre>
      <div className="code-block__bar">
        <button type="button" className="button button--small" onClick={() => void copy()} aria-label={`Copy ${label}`}>
          {state === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <span className="visually-hidden" aria-live="polite">
          {state === 'copied' ? `${label} copied` : ''}
        </span>
        {state === 'failed' ? <span className="muted small">Select the text and copy it.</span> : null}
      </div>
    </div>
  );
}
