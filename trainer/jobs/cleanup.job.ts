import { z } from 'zod';

/** Periodic housekeeping: removes expired sessions and invites, and predictions and webhook deliveries past retention. */
export const CLEANUP_QUEUE = 'cleanup';
export const CleanupPayload = z.object({ reason: z.enum(['schedule', 'manual']) });
export type CleanupPayload = z.infer<typeof CleanupPayload>;
export interface CleanupResult {
  expiredSessions: number;
  expiredInvites: number;
  expiredPredictions: number;
  expiredWebhookDeliveries: number;
}
