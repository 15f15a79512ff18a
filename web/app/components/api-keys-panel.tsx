import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { KEY_VARIABLE } from '../utils/api-snippets.ts';
import { API_KEY_SCOPE_CHOICES, maskedKey, type ApiKeyResult, type ApiKeyView } from '../utils/api-keys.ts';
import { ShownOnce } from './shown-once.tsx';
import { FormError, FormField } from './form-field.tsx';
import { RelativeTime } from './relative-time.tsx';

/** Leads and owners: create a key (its secret shown once), see every key's use, revoke. */
export function ApiKeysPanel({ keys }: { keys: ApiKeyView[] }) {
  const fetcher = useFetcher<ApiKeyResult>();
  const formRef = useRef<HTMLFormElement>(null);
  const result = fetcher.data?.intent === 'create' ? fetcher.data : undefined;
  const created = result?.ok ? result : null;
  const [dismissed, setDismissed] = useState<string | null>(null);

  useEffect(() => {
    if (created) formRef.current?.reset();
  }, [created]);

  return (
    <section className="panel" aria-labelledby="keys-heading">
      <h2 id="keys-heading">API keys</h2>
      <p className="muted">A key lets an app or script call this project's prediction API, download exports (export scope) or upload imports and models (import scope), as <code>npx sift export</code> and <code>npx sift import</code> do. Create one per app, so you can revoke one without breaking the others.</p>
      <fetcher.Form method="post" ref={formRef} noValidate className="api-keys__form">
        <input type="hidden" name="intent" value="create" />
        <FormField label="Key name" name="name" placeholder="e.g. support-inbox app" autoComplete="off" maxLength={100} errors={result?.ok === false ? result.fieldErrors.name : undefined} />
        <fieldset className="api-keys__scopes">
          <legend>Allowed to</legend>
          {API_KEY_SCOPE_CHOICES.map((choice) => (
            <label key={choice.scope} className="api-keys__scope" title={choice.hint}>
              <input type="checkbox" name="scope" value={choice.scope} defaultChecked={choice.scope === 'predict'} /> {choice.label}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button button--primary" disabled={fetcher.state !== 'idle'}>
          {fetcher.state !== 'idle' ? 'Creating…' : 'Create key'}
        </button>
      </fetcher.Form>
      <FormError message={result?.ok === false ? (result.formError ?? result.fieldErrors.scopes?.[0] ?? null) : null} />

      {created && dismissed !== created.key ? (
        <ShownOnce
          title={`Copy the key “${created.apiKey.name}”`}
          explanation="Sift keeps only a fingerprint of it. If you lose it, revoke it and create a new one."
          secret={created.key}
          label="API key"
          testId="new-key"
          secretTestId="new-key-secret"
          onSaved={() => setDismissed(created.key)}
        >
          <p className="small">
            Keep it out of your code: set it as an environment variable, e.g. <code>{`${KEY_VARIABLE}=sift_…`}</code>, which the examples below read.
          </p>
        </ShownOnce>
      ) : null}

      {keys.length === 0 ? (
        <p className="muted" data-testid="no-keys">
          No keys yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table api-keys__table" data-testid="api-keys">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Scopes</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <KeyRow key={key.id} apiKey={key} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** One key; revoking asks first, in the row, since apps using the key stop working at once. */
function KeyRow({ apiKey }: { apiKey: ApiKeyView }) {
  const fetcher = useFetcher<ApiKeyResult>();
  const [confirming, setConfirming] = useState(false);
  const revoked = apiKey.revokedAt !== null;
  const failed = fetcher.data?.ok === false ? fetcher.data.formError : null;
  return (
    <tr className={revoked ? 'is-revoked' : undefined} data-testid={`api-key-${apiKey.id}`}>
      <td className="api-keys__name">{apiKey.name}</td>
      <td>
        <code data-testid="key-prefix">{maskedKey(apiKey.prefix)}</code>
      </td>
      <td className="small" data-testid="key-scopes">
        {apiKey.scopes.join(', ')}
      </td>
      <td className="nowrap">
        <RelativeTime date={apiKey.createdAt} />
      </td>
      <td className="nowrap" data-testid="key-last-used">
        <RelativeTime date={apiKey.lastUsedAt} />
      </td>
      <td className="nowrap">
        {revoked ? (
          <span className="badge badge--quiet">
            Revoked <RelativeTime date={apiKey.revokedAt} />
          </span>
        ) : (
          <span className="badge">Active</span>
        )}
      </td>
      <td className="api-keys__actions">
        {revoked ? null : confirming ? (
          <fetcher.Form method="post" className="api-keys__confirm">
            <input type="hidden" name="intent" value="revoke" />
            <input type="hidden" name="keyId" value={apiKey.id} />
            <span className="small">Apps using this key stop working at once.</span>
            <button type="submit" className="button button--small button--danger" disabled={fetcher.state !== 'idle'}>
              {fetcher.state !== 'idle' ? 'Revoking…' : 'Revoke key'}
            </button>
            <button type="button" className="button button--small button--quiet" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </fetcher.Form>
        ) : (
          <button type="button" className="button button--small" onClick={() => setConfirming(true)}>
            Revoke…
          </button>
        )}
        {failed ? <p className="field__error">{failed}</p> : null}
      </td>
    </tr>
  );
}
