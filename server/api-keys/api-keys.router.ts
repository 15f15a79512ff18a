import { router, projectProcedure } from '../trpc.ts';
import { CreateApiKeyInput, RevokeApiKeyInput } from './api-keys.schema.ts';
import { createApiKey, listKeys, revokeKey } from './api-keys.service.ts';

export const apiKeysRouter = router({
  list: projectProcedure.query(({ ctx }) => listKeys(ctx.deps, ctx.access)),
  create: projectProcedure.input(CreateApiKeyInput).mutation(({ ctx, input }) => createApiKey(ctx.deps, ctx.user, ctx.access, input)),
  revoke: projectProcedure.input(RevokeApiKeyInput).mutation(({ ctx, input }) => revokeKey(ctx.deps, ctx.access, input)),
});
