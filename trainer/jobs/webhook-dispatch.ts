/**
 * Where webhook events start: the server (manual promotion, labels, reviews) and the trainer
 * (automatic promotion, drift checks, suspects) call these after their own work is committed.
 * Each matching webhook gets a delivery row (its exact body) and a job that carries only its id.
 * Nothing here throws: a webhook that cannot be queued must never fail the action that caused it.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '#db/client.ts';
import { findProject } from '#db/projects.ts';
import { countDisagreements } from '#db/reviews.ts';
import { countOpenSuspects } from '#db/suspects.ts';
import { insertAttempt, insertDeliveries, listSubscribedWebhooks, lockSubscribedWebhooks, setReviewQueueAbove, type Webhook } from '#db/webhooks.ts';
import type { EventBus } from './events.ts';
import type { JobSystem } from './queue.ts';
import { readProjectSettings } from './project-settings.ts';
import { requestWebhookDelivery } from './triggers.ts';
import { announceAttempt } from './webhook-announce.ts';
import type { DeliveredEvent, WebhookEvent } from './webhook.job.ts';

export interface DispatchDeps {
  db: Db;
  jobs: JobSystem;
  /** Where an attempt logged here (a delivery the queue refused) is announced to the open pages. */
  bus?: Pick<EventBus, 'publish'>;
  now?: () => Date;
}

/**
 * The review-queue rule: fire when the queue goes from at or below the threshold to above it, and
 * not again until it has come back down (so a queue hovering above N does not fire on every label).
 */
export function reviewQueueCrossing(wasAbove: boolean, size: number, threshold: number): { above: boolean; fire: boolean } {
  const above = size > threshold;
  return { above, fire: above && !wasAbove };
}

/** Sends `event` to every enabled webhook of the project subscribed to it; returns how many were queued. */
export async function dispatchWebhookEvent(deps: DispatchDeps, projectId: number, event: WebhookEvent, data: Record<string, unknown>): Promise<number> {
  try {
    const webhooks = await listSubscribedWebhooks(deps.db, projectId, event);
    if (webhooks.length === 0) return 0;
    const ids = await createDeliveries(deps.db, deps.now?.() ?? new Date(), projectId, event, data, webhooks);
    return await enqueueDeliveries(deps, ids);
  } catch (error) {
    console.error(`[webhooks] could not dispatch ${event} for project ${projectId}: ${error instanceof Error ? error.message : error}`);
    return 0;
  }
}

/** A `ping` to one webhook (the *Send test* button), whether or not it is enabled or subscribed. */
export async function dispatchPing(deps: DispatchDeps, webhook: Webhook, data: Record<string, unknown>): Promise<{ deliveryId: string; queued: boolean }> {
  const deliveries = await createDeliveries(deps.db, deps.now?.() ?? new Date(), webhook.projectId, 'ping', data, [webhook]);
  const queued = (await enqueueDeliveries(deps, deliveries)) === 1;
  return { deliveryId: deliveries[0]!.id, queued };
}

/**
 * Call after anything that can change the reviewers' queue (disagreements + flagged suspects):
 * fires `review.queue` for each subscribed webhook whose threshold the queue has just risen above.
 */
export async function checkReviewQueue(deps: DispatchDeps, projectId: number): Promise<number> {
  try {
    // Cheap early exit: almost every label lands in a project without such a webhook.
    if ((await listSubscribedWebhooks(deps.db, projectId, 'review.queue')).length === 0) return 0;
    const project = await findProject(deps.db, projectId);
    if (!project) return 0;
    const { overlap } = readProjectSettings(project.settings);
    const now = deps.now?.() ?? new Date();
    const ids = await deps.db.transaction().execute(async (trx) => {
      // Locked first and counted after: concurrent checks run one after another, each on fresh counts.
      const webhooks = await lockSubscribedWebhooks(trx, projectId, 'review.queue');
      const { size, disagreements, suspects } = await countReviewQueue(trx, projectId, overlap);
      const firing: Webhook[] = [];
      for (const webhook of webhooks) {
        const next = reviewQueueCrossing(webhook.reviewQueueAbove, size, webhook.reviewQueueThreshold);
        if (next.above !== webhook.reviewQueueAbove) await setReviewQueueAbove(trx, webhook.id, next.above);
        if (next.fire) firing.push(webhook);
      }
      const out: Awaited<ReturnType<typeof createDeliveries>> = [];
      for (const webhook of firing) {
        const data = { size, threshold: webhook.reviewQueueThreshold, disagreements, suspects };
        out.push(...(await createDeliveries(trx, now, projectId, 'review.queue', data, [webhook])));
      }
      return out;
    });
    return await enqueueDeliveries(deps, ids);
  } catch (error) {
    console.error(`[webhooks] could not check the review queue of project ${projectId}: ${error instanceof Error ? error.message : error}`);
    return 0;
  }
}

/** The reviewers' queue: samples whose annotators disagree plus open flagged suspects. */
export async function countReviewQueue(db: Db, projectId: number, overlap: number): Promise<{ size: number; disagreements: number; suspects: number }> {
  const [disagreements, suspects] = await Promise.all([countDisagreements(db, { projectId, overlap }), countOpenSuspects(db, projectId)]);
  return { size: disagreements + suspects, disagreements, suspects };
}

/** One delivery per webhook, each with its own id (the body's `id` and `Sift-Delivery`). */
async function createDeliveries(db: Db, now: Date, projectId: number, event: DeliveredEvent, data: Record<string, unknown>, webhooks: Webhook[]) {
  const deliveries = webhooks.map((webhook) => {
    const id = randomUUID();
    const body = JSON.stringify({ id, event, projectId, createdAt: now.toISOString(), data });
    return { id, webhookId: webhook.id, projectId, event, body };
  });
  await insertDeliveries(db, deliveries);
  return deliveries.map((d) => ({ id: d.id, webhookId: d.webhookId, projectId }));
}

/** Queues each delivery; one the queue refuses is logged as a failed attempt so the UI shows why. */
async function enqueueDeliveries(deps: DispatchDeps, deliveries: { id: string; webhookId: number; projectId: number }[]): Promise<number> {
  let queued = 0;
  for (const delivery of deliveries) {
    try {
      await requestWebhookDelivery(deps.jobs, delivery.id);
      queued += 1;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`[webhooks] could not queue delivery ${delivery.id}: ${message}`);
      await insertAttempt(deps.db, { deliveryId: delivery.id, webhookId: delivery.webhookId, attempt: 0, statusCode: null, durationMs: 0, error: `not queued: ${message}`, responseSnippet: null });
      if (deps.bus) await announceAttempt(deps.bus, { projectId: delivery.projectId, webhookId: delivery.webhookId, deliveryId: delivery.id, attempt: 0 });
    }
  }
  return queued;
}
