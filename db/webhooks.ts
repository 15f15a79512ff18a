/**
 * Webhooks: per project, a URL, a signing secret and the events it wants; each delivery (one event
 * for one webhook, with its exact body) and every attempt at it (the delivery log).
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';

export interface Webhook {
  id: number;
  projectId: number;
  url: string;
  /** The HMAC key; read by the delivering worker, never sent back to browsers after creation. */
  secret: string;
  events: string[];
  reviewQueueThreshold: number;
  reviewQueueAbove: boolean;
  enabled: boolean;
  createdBy: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookDelivery {
  id: string;
  webhookId: number;
  projectId: number;
  event: string;
  body: string;
  createdAt: Date;
}

/** One attempt at a delivery, as the log shows it. */
export interface WebhookAttempt {
  id: number;
  deliveryId: string;
  webhookId: number;
  event: string;
  attempt: number;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseSnippet: string | null;
  createdAt: Date;
}

const COLUMNS = ['id', 'project_id', 'url', 'secret', 'events', 'review_queue_threshold', 'review_queue_above', 'enabled', 'created_by', 'created_at', 'updated_at'] as const;

type WebhookRow = {
  id: number;
  project_id: number;
  url: string;
  secret: string;
  events: string[];
  review_queue_threshold: number;
  review_queue_above: boolean;
  enabled: boolean;
  created_by: number | null;
  created_at: Date;
  updated_at: Date;
};

function toWebhook(r: WebhookRow): Webhook {
  return {
    id: r.id,
    projectId: r.project_id,
    url: r.url,
    secret: r.secret,
    events: r.events,
    reviewQueueThreshold: r.review_queue_threshold,
    reviewQueueAbove: r.review_queue_above,
    enabled: r.enabled,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function insertWebhook(
  db: Db,
  input: { projectId: number; url: string; secret: string; events: string[]; reviewQueueThreshold: number; reviewQueueAbove: boolean; createdBy: number },
): Promise<Webhook> {
  const row = await db
    .insertInto('webhook')
    .values({
      project_id: input.projectId,
      url: input.url,
      secret: input.secret,
      events: input.events,
      review_queue_threshold: input.reviewQueueThreshold,
      review_queue_above: input.reviewQueueAbove,
      created_by: input.createdBy,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toWebhook(row);
}

/** The project's webhooks, oldest first. */
export async function listWebhooks(db: Db, projectId: number): Promise<Webhook[]> {
  const rows = await db.selectFrom('webhook').select(COLUMNS).where('project_id', '=', projectId).orderBy('id').execute();
  return rows.map(toWebhook);
}

/** The webhook if it belongs to the project. */
export async function findWebhook(db: Db, projectId: number, webhookId: number): Promise<Webhook | undefined> {
  const row = await db.selectFrom('webhook').select(COLUMNS).where('id', '=', webhookId).where('project_id', '=', projectId).executeTakeFirst();
  return row ? toWebhook(row) : undefined;
}

function subscribedWebhooks(db: Db, projectId: number, event: string) {
  return db.selectFrom('webhook').select(COLUMNS).where('project_id', '=', projectId).where('enabled', '=', true).where(sql<boolean>`${event} = any(events)`).orderBy('id');
}

/** The project's enabled webhooks subscribed to `event`. */
export async function listSubscribedWebhooks(db: Db, projectId: number, event: string): Promise<Webhook[]> {
  return (await subscribedWebhooks(db, projectId, event).execute()).map(toWebhook);
}

/** Like {@link listSubscribedWebhooks}, locking the rows so concurrent checks see each other's state. */
export async function lockSubscribedWebhooks(trx: Db, projectId: number, event: string): Promise<Webhook[]> {
  return (await subscribedWebhooks(trx, projectId, event).forUpdate().execute()).map(toWebhook);
}

export async function updateWebhook(
  db: Db,
  projectId: number,
  webhookId: number,
  patch: { url?: string; events?: string[]; reviewQueueThreshold?: number; reviewQueueAbove?: boolean; enabled?: boolean },
): Promise<Webhook | undefined> {
  const row = await db
    .updateTable('webhook')
    .set({
      ...(patch.url !== undefined && { url: patch.url }),
      ...(patch.events !== undefined && { events: patch.events }),
      ...(patch.reviewQueueThreshold !== undefined && { review_queue_threshold: patch.reviewQueueThreshold }),
      ...(patch.reviewQueueAbove !== undefined && { review_queue_above: patch.reviewQueueAbove }),
      ...(patch.enabled !== undefined && { enabled: patch.enabled }),
      updated_at: sql`now()`,
    })
    .where('id', '=', webhookId)
    .where('project_id', '=', projectId)
    .returning(COLUMNS)
    .executeTakeFirst();
  return row ? toWebhook(row) : undefined;
}

/** Records whether the review queue is above the webhook's threshold. */
export async function setReviewQueueAbove(trx: Db, webhookId: number, above: boolean): Promise<void> {
  await trx.updateTable('webhook').set({ review_queue_above: above }).where('id', '=', webhookId).execute();
}

/** Deletes the webhook with its deliveries and log; false if it is not this project's. */
export async function deleteWebhook(db: Db, projectId: number, webhookId: number): Promise<boolean> {
  const result = await db.deleteFrom('webhook').where('id', '=', webhookId).where('project_id', '=', projectId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function insertDeliveries(db: Db, deliveries: Omit<WebhookDelivery, 'createdAt'>[]): Promise<void> {
  if (deliveries.length === 0) return;
  await db
    .insertInto('webhook_delivery')
    .values(deliveries.map((d) => ({ id: d.id, webhook_id: d.webhookId, project_id: d.projectId, event: d.event, body: d.body })))
    .execute();
}

export async function findDelivery(db: Db, deliveryId: string): Promise<WebhookDelivery | undefined> {
  const row = await db.selectFrom('webhook_delivery').selectAll().where('id', '=', deliveryId).executeTakeFirst();
  return row ? { id: row.id, webhookId: row.webhook_id, projectId: row.project_id, event: row.event, body: row.body, createdAt: row.created_at } : undefined;
}

/** The webhook a delivery goes to (secret included: for the delivering worker only). */
export async function findWebhookById(db: Db, webhookId: number): Promise<Webhook | undefined> {
  const row = await db.selectFrom('webhook').select(COLUMNS).where('id', '=', webhookId).executeTakeFirst();
  return row ? toWebhook(row) : undefined;
}

export async function insertAttempt(
  db: Db,
  input: { deliveryId: string; webhookId: number; attempt: number; statusCode: number | null; durationMs: number; error: string | null; responseSnippet: string | null },
): Promise<void> {
  await db
    .insertInto('webhook_attempt')
    .values({
      delivery_id: input.deliveryId,
      webhook_id: input.webhookId,
      attempt: input.attempt,
      status_code: input.statusCode,
      duration_ms: input.durationMs,
      error: input.error,
      response_snippet: input.responseSnippet,
    })
    .execute();
}

/** The most recent attempts of the project's webhooks (or one of them), newest first. */
export async function listAttempts(db: Db, input: { projectId: number; webhookId?: number; limit: number }): Promise<WebhookAttempt[]> {
  let query = db
    .selectFrom('webhook_attempt')
    .innerJoin('webhook_delivery', 'webhook_delivery.id', 'webhook_attempt.delivery_id')
    .select([
      'webhook_attempt.id',
      'webhook_attempt.delivery_id',
      'webhook_attempt.webhook_id',
      'webhook_delivery.event',
      'webhook_attempt.attempt',
      'webhook_attempt.status_code',
      'webhook_attempt.duration_ms',
      'webhook_attempt.error',
      'webhook_attempt.response_snippet',
      'webhook_attempt.created_at',
    ])
    .where('webhook_delivery.project_id', '=', input.projectId);
  if (input.webhookId !== undefined) query = query.where('webhook_attempt.webhook_id', '=', input.webhookId);
  const rows = await query.orderBy('webhook_attempt.id', 'desc').limit(input.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    deliveryId: r.delivery_id,
    webhookId: r.webhook_id,
    event: r.event,
    attempt: r.attempt,
    statusCode: r.status_code,
    durationMs: r.duration_ms,
    error: r.error,
    responseSnippet: r.response_snippet,
    createdAt: r.created_at,
  }));
}

/** Retention: deliveries created before `before` go, with their attempts. */
export async function deleteDeliveriesBefore(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('webhook_delivery').where('created_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
