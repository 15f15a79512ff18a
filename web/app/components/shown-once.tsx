import type { ReactNode } from 'react';
import { CodeBlock } from './code-block.tsx';

/** A secret the server will never show again (an API key, a webhook's signing secret), until the user says it is saved. */
export function ShownOnce(props: { title: ReactNode; explanation: ReactNode; secret: string; label: string; testId: string; secretTestId: string; children?: ReactNode; onSaved: () => void }) {
  return (
    <div className="callout callout--warning api-keys__new" role="status" data-testid={props.testId}>
      <p>
        <strong>{props.title} now — it is shown only this once.</strong> {props.explanation}
      </p>
      <CodeBlock code={props.secret} label={props.label} testId={props.secretTestId} />
      {props.children}
      <button type="button" className="button button--small" onClick={props.onSaved}>
        I have saved it
      </button>
    </div>
  );
}
