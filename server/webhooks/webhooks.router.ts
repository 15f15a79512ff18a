import { router, projectProcedure } from '../trpc.ts';
import {
  CreateWebhookInput,
  CreatedWebhook,
  DeliveriesInput,
  DeliveryLog,
  RemovedWebhook,
  TestSent,
  UpdateWebhookInput,
  WebhookIdInput,
  WebhookList,
  WebhookView,
} from './webhooks.schema.ts';
import { createWebhook, listProjectWebhooks, listDeliveries, removeWebhook, sendTest, updateProjectWebhook } from './webhooks.service.ts';

export const webhooksRouter = router({
  list: projectProcedure.output(WebhookList).query(({ ctx }) => listProjectWebhooks(ctx.deps, ctx.access)),
  create: projectProcedure.input(CreateWebhookInput).output(CreatedWebhook).mutation(({ ctx, input }) => createWebhook(ctx.deps, ctx.user, ctx.access, input)),
  update: projectProcedure.input(UpdateWebhookInput).output(WebhookView).mutation(({ ctx, input }) => updateProjectWebhook(ctx.deps, ctx.access, input)),
  remove: projectProcedure.input(WebhookIdInput).output(RemovedWebhook).mutation(({ ctx, input }) => removeWebhook(ctx.deps, ctx.access, input)),
  test: projectProcedure.input(WebhookIdInput).output(TestSent).mutation(({ ctx, input }) => sendTest(ctx.deps, ctx.user, ctx.access, input)),
  deliveries: projectProcedure.input(DeliveriesInput).output(DeliveryLog).query(({ ctx, input }) => listDeliveries(ctx.deps, ctx.access, input)),
});
