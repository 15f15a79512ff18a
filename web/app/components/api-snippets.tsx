import { Link } from '@remix-run/react';
import { useState } from 'react';
import { predictSnippets, predictUrl, type Snippet, type SnippetTarget } from '../utils/api-snippets.ts';
import { CodeBlock } from './code-block.tsx';

interface Props {
  target: SnippetTarget;
  /** The live version's number; null when none is live (the API then answers 409). */
  liveVersion: number | null;
}

/** Copy-ready calls for this project, the two query options, and where the full reference is. */
export function ApiSnippets({ target, liveVersion }: Props) {
  const snippets = predictSnippets(target);
  const [chosen, setChosen] = useState<Snippet['id']>('curl');
  const snippet = snippets.find((s) => s.id === chosen) ?? snippets[0]!;
  const what = target.dataType === 'image' ? 'images (as files, or base64 in JSON)' : 'texts';
  return (
    <section className="panel api-snippets" aria-labelledby="snippets-heading">
      <h2 id="snippets-heading">Call the API</h2>
      <p>
        Send a batch of {what} and get the live model's label, its confidence and the probability of every label. Each call is logged and
        shows up on the Monitoring tab.
      </p>
      {liveVersion === null ? (
        <p className="callout callout--warning" data-testid="no-live-model">
          No model is live yet, so the API answers <code>409</code> until one is. Label some samples and a model trains on its own.
        </p>
      ) : null}
      <div className="segmented" role="group" aria-label="Language">
        {snippets.map((s) => (
          <button key={s.id} type="button" className="segmented__option api-snippets__tab" aria-pressed={s.id === chosen} onClick={() => setChosen(s.id)}>
            {s.title}
          </button>
        ))}
      </div>
      <CodeBlock code={snippet.code} label={`${snippet.title} example`} testId={`snippet-${snippet.id}`} />

      <h3>Options</h3>
      <dl className="api-snippets__options">
        <dt>
          <code>?threshold=0.7</code>
        </dt>
        <dd>
          Abstain below 70% confidence: those predictions come back with <code>"label": null</code> and <code>"abstained": true</code>, so your app can
          ask a person instead of guessing.
        </dd>
        <dt>
          <code>?version={liveVersion ?? 1}</code>
        </dt>
        <dd>
          Pin a model version (the numbers on the Models tab). Without it the live version answers{liveVersion !== null ? ` (now v${liveVersion})` : ''}, and each
          new live version takes over without any change to your app.
        </dd>
      </dl>
      <p className="small">
        Both together: <code className="api-snippets__url">{predictUrl(target, `?version=${liveVersion ?? 1}&threshold=0.7`)}</code>
      </p>
      <div className="actions">
        <Link to="/docs/api" className="button">
          API reference
        </Link>
        <a href="/api/v1/openapi.json" className="button button--quiet">
          OpenAPI document (openapi.json)
        </a>
      </div>
    </section>
  );
}
