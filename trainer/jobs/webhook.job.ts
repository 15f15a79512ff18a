import { z } from 'zod';

/** Posts one delivery (an event for one webhook) to the webhook's URL, signed; retried with backoff. */
export const WEBHOOK_QUEUE = 'webhook';

/** The events a webhook can subscribe to; `ping` is sent only by the *Send test* button. */
export const WEBHOOK_EVENTS = ['model.promoted', 'drift.alert', 'review.queue'] as const;
export const WebhookEvent = z.enum(WEBHOOK_EVENTS);
export type WebhookEvent = z.infer<typeof WebhookEvent>;
export type DeliveredEvent = WebhookEvent | 'ping';

/** Ids only: the worker loads the body and the secret from the database. */
export const WebhookPayload = z.object({ deliveryId: z.string().uuid() });
export type WebhookPayload = z.infer<typeof WebhookPayload>;
export interface WebhookResult {
  statusCode: number | null;
  skipped?: string;
}

/** Attempts per delivery: with the default 10 s base, retries come after 10 s, 20 s, 40 s, 80 s, 160 s. */
export const WEBHOOK_ATTEMPTS = 6;
/** The job's backoff type; the webhook worker supplies the strategy ({@link webhookBackoff}). */
export const WEBHOOK_BACKOFF_TYPE = 'webhook';

/** Exponential backoff from `baseMs`: the wait before attempt n+1 after n failed attempts. */
export function webhookBackoff(baseMs: number): (attemptsMade: number) => number {
  return (attemptsMade) => Math.round(baseMs * 2 ** Math.max(0, attemptsMade - 1));
}
