import { createTRPCClient, httpBatchLink } from '@trpc/client';
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '#server/router.ts';

/**
 * The browser's tRPC client. Same origin, so the HTTP-only session cookie goes along. No
 * transformer: Dates arrive as ISO strings, which the output types below reflect.
 */
export const trpc = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: '/api/trpc' })],
});

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type LiveStats = RouterOutputs['projects']['stats'];
export type SampleView = NonNullable<RouterOutputs['labeling']['next']>;
