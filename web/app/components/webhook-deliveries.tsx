import { useRevalidator } from '@remix-run/react';
import { attemptOutcome, type WebhookAttemptView, type WebhookView } from '../utils/webhooks.ts';
import { RelativeTime } from './relative-time.tsx';

/** The delivery log: the project's last 50 attempts, newest first, with how each one ended. */
export function WebhookDeliveries({ attempts, webhooks }: { attempts: WebhookAttemptView[]; webhooks: WebhookView[] }) {
  const revalidator = useRevalidator();
  const urls = new Map(webhooks.map((w) => [w.id, w.url]));
  return (
    <section className="panel" aria-labelledby="deliveries-heading">
      <div className="webhooks__head">
        <h2 id="deliveries-heading">Delivery log</h2>
        <button type="button" className="button button--small" onClick={() => revalidator.revalidate()} disabled={revalidator.state !== 'idle'}>
          {revalidator.state !== 'idle' ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {attempts.length === 0 ? (
        <p className="muted" data-testid="no-deliveries">
          Nothing delivered yet. <em>Send test</em> posts a <code>ping</code> event.
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="webhook-deliveries">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Event</th>
                <th scope="col">URL</th>
                <th scope="col">Attempt</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Error or answer</th>
              </tr>
            </thead>
            <tbody>
              {attempts.map((a) => {
                const outcome = attemptOutcome(a);
                return (
                  <tr key={a.id} title={`delivery ${a.deliveryId}`}>
                    <td className="nowrap">
                      <RelativeTime date={a.createdAt} />
                    </td>
                    <td className="nowrap">
                      <code>{a.event}</code>
                    </td>
                    <td className="webhooks__url small">{urls.get(a.webhookId) ?? `#${a.webhookId}`}</td>
                    <td>{a.attempt === 0 ? 'not queued' : a.attempt}</td>
                    <td className="nowrap">
                      <span className={outcome.ok ? 'badge' : 'badge badge--danger'}>{outcome.text}</span>
                    </td>
                    <td className="nowrap">{a.durationMs} ms</td>
                    <td className="small webhooks__detail">
                      {a.error}
                      {a.error && a.responseSnippet ? ' · ' : null}
                      {a.responseSnippet ? <code>{a.responseSnippet}</code> : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
