import { sentence } from '../utils/format.ts';
import { useWebhookDeliveries } from '../utils/use-webhook-deliveries.ts';
import { attemptOutcome, type WebhookAttemptView, type WebhookView } from '../utils/webhooks.ts';
import { RelativeTime } from './relative-time.tsx';

interface Props {
  projectId: number;
  /** The loader's attempts; newer ones arrive live. */
  attempts: WebhookAttemptView[];
  webhooks: WebhookView[];
}

/** The delivery log: the project's last 50 attempts, newest first, with how each one ended; live. */
export function WebhookDeliveries({ projectId, attempts: loaded, webhooks }: Props) {
  const { attempts, error, status, refetch } = useWebhookDeliveries(projectId, loaded);
  const urls = new Map(webhooks.map((w) => [w.id, w.url]));
  return (
    <section className="panel" aria-labelledby="deliveries-heading">
      <div className="webhooks__head">
        <h2 id="deliveries-heading">Delivery log</h2>
        <p className="presence__status" data-testid="deliveries-status">
          <span className={`dot dot--${status}`} aria-hidden="true" />
          {status === 'live' ? 'Live: new attempts appear as they happen' : status === 'connecting' ? 'Connecting…' : 'Offline: refresh to see new attempts'}
          {/* Without the live connection, the only way to see new attempts short of a reload. */}
          {status === 'offline' ? (
            <button type="button" className="button button--small" onClick={refetch}>
              Refresh
            </button>
          ) : null}
        </p>
      </div>
      {error ? (
        <p className="field__error" role="status">
          Couldn't update the log: {sentence(error)}
        </p>
      ) : null}
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
