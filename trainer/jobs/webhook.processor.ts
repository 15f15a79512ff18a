import { UnrecoverableError, type Job } from 'bullmq';
import type { Db } from '#db/client.ts';
import { findDelivery, findWebhookById, insertAttempt } from '#db/webhooks.ts';
import type { EventBus } from './events.ts';
import { announceAttempt } from './webhook-announce.ts';
import { WebhookPayload, type WebhookResult } from './webhook.job.ts';
import { signWebhook } from './webhook-signature.ts';
import { postWebhook, WebhookRequestError } from './webhook-http.ts';
import { checkWebhookUrl } from './webhook-url.ts';

export interface WebhookDeps {
  db: Db;
  /** Where each logged attempt is announced, so the delivery log updates live. */
  bus: Pick<EventBus, 'publish'>;
  /** How long one request may take (default 10 s). */
  timeoutMs?: number;
  /** Whether URLs may resolve to private, loopback or link-local addresses (default true). */
  allowPrivate?: boolean;
  now?: () => Date;
}

/**
 * Delivers one webhook event: loads the delivery's body and the webhook's secret, signs, posts,
 * and logs the attempt (announced as a `webhook.delivery` project event). A non-2xx answer, a
 * refused connection or a timeout throws, so BullMQ retries with backoff; a deleted webhook or a URL the rules refuse ends the job at once.
 */
export function createWebhookProcessor(deps: WebhookDeps) {
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const allowPrivate = deps.allowPrivate ?? true;
  return async (job: Job): Promise<WebhookResult> => {
    const parsed = WebhookPayload.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad webhook payload: ${parsed.error.message}`);
    const delivery = await findDelivery(deps.db, parsed.data.deliveryId);
    if (!delivery) throw new UnrecoverableError(`delivery ${parsed.data.deliveryId} no longer exists`);
    const webhook = await findWebhookById(deps.db, delivery.webhookId);
    if (!webhook) throw new UnrecoverableError(`webhook ${delivery.webhookId} no longer exists`);
    const attempt = job.attemptsMade + 1;
    const log = async (entry: { statusCode?: number; durationMs?: number; error?: string; snippet?: string }) => {
      await insertAttempt(deps.db, {
        deliveryId: delivery.id,
        webhookId: webhook.id,
        attempt,
        statusCode: entry.statusCode ?? null,
        durationMs: entry.durationMs ?? 0,
        error: entry.error ?? null,
        responseSnippet: entry.snippet ?? null,
      });
      await announceAttempt(deps.bus, { projectId: delivery.projectId, webhookId: webhook.id, deliveryId: delivery.id, attempt });
    };

    // Disabled after the event was queued: drop it (a test ping is sent anyway: someone asked for it).
    if (!webhook.enabled && delivery.event !== 'ping') {
      await log({ error: 'webhook disabled: not sent' });
      return { statusCode: null, skipped: 'disabled' };
    }
    const check = checkWebhookUrl(webhook.url, { allowPrivate });
    if (!check.ok) {
      await log({ error: check.reason });
      throw new UnrecoverableError(check.reason);
    }

    const timestamp = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'Sift-Webhooks/1',
      'sift-event': delivery.event,
      'sift-delivery': delivery.id,
      'sift-timestamp': String(timestamp),
      'sift-signature': signWebhook(webhook.secret, timestamp, delivery.body),
    };
    let response;
    try {
      response = await postWebhook({ url: webhook.url, headers, body: delivery.body, timeoutMs, allowPrivate });
    } catch (error) {
      const failure = error instanceof WebhookRequestError ? error : new WebhookRequestError(String(error), 0);
      await log({ error: failure.message, durationMs: failure.durationMs });
      if (failure.blocked) throw new UnrecoverableError(failure.message);
      throw failure;
    }
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    await log({ statusCode: response.statusCode, durationMs: response.durationMs, snippet: response.snippet, error: ok ? undefined : `answered HTTP ${response.statusCode}` });
    if (!ok) throw new Error(`${webhook.url} answered HTTP ${response.statusCode}`);
    return { statusCode: response.statusCode };
  };
}

