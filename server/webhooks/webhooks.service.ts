import { randomBytes } from 'node:crypto';
import { deleteWebhook, findWebhook, insertWebhook, listAttempts, listWebhooks, updateWebhook, type Webhook } from '#db/webhooks.ts';
import type { User } from '#db/users.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { WEBHOOK_EVENTS } from '#trainer/jobs/webhook.job.ts';
import { countReviewQueue, dispatchPing, reviewQueueCrossing } from '#trainer/jobs/webhook-dispatch.ts';
import { checkWebhookUrl } from '#trainer/jobs/webhook-url.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import { assertRole } from '../projects/roles.ts';
import type { CreateWebhookInput, DeliveriesInput, UpdateWebhookInput, WebhookIdInput, WebhookView } from './webhooks.schema.ts';

function publicView(w: Webhook): WebhookView {
  return {
    id: w.id,
    url: w.url,
    events: w.events,
    reviewQueueThreshold: w.reviewQueueThreshold,
    enabled: w.enabled,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

function validUrl(deps: AppDeps, raw: string): string {
  const check = checkWebhookUrl(raw, { allowPrivate: deps.env.SIFT_WEBHOOK_PRIVATE_NETWORKS === 'allow' });
  if (!check.ok) throw new AppError('INVALID', check.reason);
  return check.url.href;
}

/** Whether the review queue is above `threshold` now: a new webhook fires on the next crossing, not at once. */
async function queueAbove(deps: AppDeps, access: ProjectAccess, threshold: number): Promise<boolean> {
  const { size } = await countReviewQueue(deps.db, access.project.id, readProjectSettings(access.project.settings).overlap);
  return reviewQueueCrossing(false, size, threshold).above;
}

async function getWebhook(deps: AppDeps, access: ProjectAccess, webhookId: number): Promise<Webhook> {
  const webhook = await findWebhook(deps.db, access.project.id, webhookId);
  if (!webhook) throw new AppError('NOT_FOUND', `no webhook ${webhookId} in this project`);
  return webhook;
}

export async function listProjectWebhooks(deps: AppDeps, access: ProjectAccess) {
  assertRole(access.role, 'lead', 'see webhooks');
  return { webhooks: (await listWebhooks(deps.db, access.project.id)).map(publicView), events: [...WEBHOOK_EVENTS] };
}

/** A new webhook; its secret (generated unless given) is returned this once. */
export async function createWebhook(deps: AppDeps, user: User, access: ProjectAccess, input: CreateWebhookInput) {
  assertRole(access.role, 'lead', 'create webhooks');
  const url = validUrl(deps, input.url);
  const secret = input.secret ?? `whsec_${randomBytes(32).toString('base64url')}`;
  const events = [...new Set(input.events)];
  const reviewQueueAbove = await queueAbove(deps, access, input.reviewQueueThreshold);
  const webhook = await insertWebhook(deps.db, { projectId: access.project.id, url, secret, events, reviewQueueThreshold: input.reviewQueueThreshold, reviewQueueAbove, createdBy: user.id });
  return { webhook: publicView(webhook), secret };
}

export async function updateProjectWebhook(deps: AppDeps, access: ProjectAccess, input: UpdateWebhookInput) {
  assertRole(access.role, 'lead', 'change webhooks');
  await getWebhook(deps, access, input.webhookId);
  const url = input.url === undefined ? undefined : validUrl(deps, input.url);
  const reviewQueueAbove = input.reviewQueueThreshold === undefined ? undefined : await queueAbove(deps, access, input.reviewQueueThreshold);
  const events = input.events && [...new Set(input.events)];
  const updated = await updateWebhook(deps.db, access.project.id, input.webhookId, { url, events, reviewQueueThreshold: input.reviewQueueThreshold, reviewQueueAbove, enabled: input.enabled });
  if (!updated) throw new AppError('NOT_FOUND', `no webhook ${input.webhookId} in this project`);
  return publicView(updated);
}

export async function removeWebhook(deps: AppDeps, access: ProjectAccess, input: WebhookIdInput) {
  assertRole(access.role, 'lead', 'delete webhooks');
  if (!(await deleteWebhook(deps.db, access.project.id, input.webhookId))) throw new AppError('NOT_FOUND', `no webhook ${input.webhookId} in this project`);
  return { removed: input.webhookId };
}

/** The *Send test* button: a signed `ping` through the same queue, retries and log as real events. */
export async function sendTest(deps: AppDeps, user: User, access: ProjectAccess, input: WebhookIdInput) {
  assertRole(access.role, 'lead', 'test webhooks');
  const webhook = await getWebhook(deps, access, input.webhookId);
  return dispatchPing(deps, webhook, { webhookId: webhook.id, message: `Test delivery sent by ${user.name}` });
}

/** The delivery log: the latest attempts, newest first. */
export async function listDeliveries(deps: AppDeps, access: ProjectAccess, input: DeliveriesInput) {
  assertRole(access.role, 'lead', 'see webhook deliveries');
  if (input.webhookId !== undefined) await getWebhook(deps, access, input.webhookId);
  const attempts = await listAttempts(deps.db, { projectId: access.project.id, webhookId: input.webhookId, limit: input.limit });
  return { attempts: attempts.map((a) => ({ ...a, createdAt: a.createdAt.toISOString() })) };
}
