import { z } from 'zod';
import { WEBHOOK_EVENTS } from '#trainer/jobs/webhook.job.ts';
import { RowId } from '../http/ids.ts';
import { storableText } from '../storable-text.ts';

const Url = storableText('the URL').trim().min(1, 'enter the URL to post to').max(2000, 'at most 2,000 characters');
const Events = z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'pick at least one event').max(WEBHOOK_EVENTS.length);
/** The review queue size above which `review.queue` fires. */
const Threshold = z.number().int().min(0).max(1_000_000);
/** A user's own secret: long enough to resist guessing, printable so it can be pasted into config. */
const Secret = z.string().min(16, 'a secret needs at least 16 characters').max(200).regex(/^[\x21-\x7e]+$/, 'printable characters, no spaces');

export const CreateWebhookInput = z.object({
  url: Url,
  events: Events,
  reviewQueueThreshold: Threshold.default(10),
  /** Leave out to have Sift generate one (shown once). */
  secret: Secret.optional(),
});
export type CreateWebhookInput = z.infer<typeof CreateWebhookInput>;

export const UpdateWebhookInput = z.object({
  webhookId: RowId,
  url: Url.optional(),
  events: Events.optional(),
  reviewQueueThreshold: Threshold.optional(),
  enabled: z.boolean().optional(),
});
export type UpdateWebhookInput = z.infer<typeof UpdateWebhookInput>;

export const WebhookIdInput = z.object({ webhookId: RowId });
export type WebhookIdInput = z.infer<typeof WebhookIdInput>;

export const DeliveriesInput = z.object({ webhookId: RowId.optional(), limit: z.number().int().min(1).max(200).default(50) });
export type DeliveriesInput = z.infer<typeof DeliveriesInput>;

/** A webhook as leads see it: never its secret after creation. */
export const WebhookView = z.object({
  id: z.number(),
  url: z.string(),
  events: z.array(z.string()),
  reviewQueueThreshold: z.number(),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookView = z.infer<typeof WebhookView>;

export const WebhookList = z.object({ webhooks: z.array(WebhookView), events: z.array(z.string()) });
export const CreatedWebhook = z.object({ webhook: WebhookView, secret: z.string() });
export const RemovedWebhook = z.object({ removed: z.number() });
export const TestSent = z.object({ deliveryId: z.string(), queued: z.boolean() });

export const AttemptView = z.object({
  id: z.number(),
  deliveryId: z.string(),
  webhookId: z.number(),
  event: z.string(),
  attempt: z.number(),
  statusCode: z.number().nullable(),
  durationMs: z.number(),
  error: z.string().nullable(),
  responseSnippet: z.string().nullable(),
  createdAt: z.string(),
});
export const DeliveryLog = z.object({ attempts: z.array(AttemptView) });
