/** A webhook as `webhooks.list` shows it (never its secret). */
export interface WebhookView {
  id: number;
  url: string;
  events: string[];
  reviewQueueThreshold: number;
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** One attempt at a delivery, as the log shows it. */
export interface WebhookAttemptView {
  id: number;
  deliveryId: string;
  webhookId: number;
  event: string;
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseSnippet: string | null;
  createdAt: string;
}

export type WebhookIntent = 'create' | 'toggle' | 'remove' | 'test';

/** What the webhooks page's action answers; the create form and each row's buttons read it. */
export type WebhookResult =
  | { ok: true; intent: 'create'; secret: string; webhook: WebhookView }
  | { ok: true; intent: 'toggle' | 'remove'; webhookId: number }
  | { ok: true; intent: 'test'; webhookId: number; queued: boolean }
  | { ok: false; intent: WebhookIntent; formError: string | null; fieldErrors: Record<string, string[] | undefined> };

/** The events a webhook can subscribe to, as the form offers them. */
export const WEBHOOK_EVENT_CHOICES: { event: string; label: string; hint: string }[] = [
  { event: 'model.promoted', label: 'Model promoted', hint: 'a model version went live, automatically or by hand' },
  { event: 'drift.alert', label: 'Drift alert', hint: 'a drift check found production inputs unlike the training data' },
  { event: 'review.queue', label: 'Review queue above N', hint: 'disagreements plus flagged suspects rose above N' },
];

/** How an attempt ended, in a word for the log's status column. */
export function attemptOutcome(a: Pick<WebhookAttemptView, 'statusCode' | 'error'>): { text: string; ok: boolean } {
  if (a.statusCode !== null && a.statusCode >= 200 && a.statusCode < 300) return { text: String(a.statusCode), ok: true };
  if (a.statusCode !== null) return { text: String(a.statusCode), ok: false };
  return { text: 'no answer', ok: false };
}
