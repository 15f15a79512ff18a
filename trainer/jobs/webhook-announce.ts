import type { EventBus } from './events.ts';

/**
 * Tells the project's open pages that a delivery attempt was logged, as a `webhook.delivery` event.
 * Ids only: every member of the project hears its events, while webhooks are for leads, so the
 * page fetches the log through its lead-only query. Never throws: a lost announcement must not fail
 * (and so repeat) a delivery that was made.
 */
export async function announceAttempt(bus: Pick<EventBus, 'publish'>, input: { projectId: number; webhookId: number; deliveryId: string; attempt: number }): Promise<void> {
  const { projectId, ...data } = input;
  await bus
    .publish({ projectId, type: 'webhook.delivery', data })
    .catch((error: unknown) => console.error(`[webhooks] could not announce attempt ${input.attempt} of delivery ${input.deliveryId}:`, error instanceof Error ? error.message : error));
}
