import { useFetcher } from '@remix-run/react';
import { useEffect, useRef, useState } from 'react';
import { WEBHOOK_EVENT_CHOICES, type WebhookResult, type WebhookView } from '../utils/webhooks.ts';
import { ShownOnce } from './shown-once.tsx';
import { FormError, FormField } from './form-field.tsx';
import { RelativeTime } from './relative-time.tsx';

/** Leads and owners: add a webhook (its secret shown once), turn it off and on, test, delete. */
export function WebhooksPanel({ webhooks }: { webhooks: WebhookView[] }) {
  const fetcher = useFetcher<WebhookResult>();
  const formRef = useRef<HTMLFormElement>(null);
  const result = fetcher.data?.intent === 'create' ? fetcher.data : undefined;
  const created = result?.ok ? result : null;
  const [dismissed, setDismissed] = useState<string | null>(null);

  useEffect(() => {
    if (created) formRef.current?.reset();
  }, [created]);

  const fieldErrors = result?.ok === false ? result.fieldErrors : {};
  return (
    <section className="panel" aria-labelledby="webhooks-heading">
      <h2 id="webhooks-heading">Webhooks</h2>
      <p className="muted">
        Sift posts a signed JSON body to each URL when one of its events happens, through the job queue, retrying with backoff for about five
        minutes when the receiver fails. See the README’s Webhooks section for the payload and how to check the <code>Sift-Signature</code> header.
      </p>
      <fetcher.Form method="post" ref={formRef} noValidate className="webhooks__form">
        <input type="hidden" name="intent" value="create" />
        <FormField label="URL" name="url" type="url" placeholder="https://hooks.example.com/sift" autoComplete="off" maxLength={2000} errors={fieldErrors.url} />
        <FormField label="Secret (optional)" name="secret" autoComplete="off" placeholder="leave empty to generate one" errors={fieldErrors.secret} />
        <fieldset className="api-keys__scopes">
          <legend>Events</legend>
          {WEBHOOK_EVENT_CHOICES.map((choice) => (
            <label key={choice.event} className="api-keys__scope" title={choice.hint}>
              <input type="checkbox" name="event" value={choice.event} defaultChecked={choice.event === 'model.promoted'} /> {choice.label}
            </label>
          ))}
        </fieldset>
        <FormField label="N (review queue)" name="reviewQueueThreshold" type="number" min={0} defaultValue={10} errors={fieldErrors.reviewQueueThreshold} hint="Fires when the queue rises above N, once until it is back at N or below." />
        <button type="submit" className="button button--primary webhooks__submit" disabled={fetcher.state !== 'idle'}>
          {fetcher.state !== 'idle' ? 'Adding…' : 'Add webhook'}
        </button>
      </fetcher.Form>
      <FormError message={result?.ok === false ? (result.formError ?? fieldErrors.events?.[0] ?? null) : null} />

      {created && dismissed !== created.secret ? (
        <ShownOnce
          title={`Copy the signing secret for ${created.webhook.url}`}
          explanation="Your receiver uses it to check that a request came from Sift. If you lose it, delete the webhook and add it again."
          secret={created.secret}
          label="Signing secret"
          testId="new-webhook-secret"
          secretTestId="webhook-secret"
          onSaved={() => setDismissed(created.secret)}
        />
      ) : null}

      {webhooks.length === 0 ? (
        <p className="muted" data-testid="no-webhooks">
          No webhooks yet.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table api-keys__table" data-testid="webhooks">
            <thead>
              <tr>
                <th scope="col">URL</th>
                <th scope="col">Events</th>
                <th scope="col">Created</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {webhooks.map((webhook) => (
                <WebhookRow key={webhook.id} webhook={webhook} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function eventList(webhook: WebhookView): string {
  return webhook.events.map((e) => (e === 'review.queue' ? `review.queue > ${webhook.reviewQueueThreshold}` : e)).join(', ');
}

/** One webhook; deleting asks first, in the row, since its delivery log goes with it. */
function WebhookRow({ webhook }: { webhook: WebhookView }) {
  const fetcher = useFetcher<WebhookResult>();
  const [confirming, setConfirming] = useState(false);
  const busy = fetcher.state !== 'idle';
  const answer = fetcher.data;
  const message = answer?.ok === false ? answer.formError : answer?.ok && answer.intent === 'test' ? (answer.queued ? 'Test queued: its attempt shows in the delivery log.' : 'The job queue is unreachable: not sent') : null;
  const act = (intent: string, extra: Record<string, string> = {}) => fetcher.submit({ intent, webhookId: String(webhook.id), ...extra }, { method: 'post' });
  return (
    <tr className={webhook.enabled ? undefined : 'is-revoked'} data-testid={`webhook-${webhook.id}`}>
      <td className="webhooks__url">
        <code>{webhook.url}</code>
      </td>
      <td className="small">{eventList(webhook)}</td>
      <td className="nowrap">
        <RelativeTime date={webhook.createdAt} />
      </td>
      <td className="nowrap">{webhook.enabled ? <span className="badge">Enabled</span> : <span className="badge badge--quiet">Disabled</span>}</td>
      <td className="api-keys__actions">
        <div className="webhooks__actions">
          <button type="button" className="button button--small" disabled={busy} onClick={() => act('test')}>
            Send test
          </button>
          <button type="button" className="button button--small" disabled={busy} onClick={() => act('toggle', { enabled: String(!webhook.enabled) })}>
            {webhook.enabled ? 'Disable' : 'Enable'}
          </button>
          {confirming ? (
            <>
              <button type="button" className="button button--small button--danger" disabled={busy} onClick={() => act('remove')}>
                Delete webhook
              </button>
              <button type="button" className="button button--small button--quiet" onClick={() => setConfirming(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" className="button button--small" onClick={() => setConfirming(true)}>
              Delete…
            </button>
          )}
        </div>
        {message ? <p className={answer?.ok === false ? 'field__error' : 'small muted'}>{message}</p> : null}
      </td>
    </tr>
  );
}
