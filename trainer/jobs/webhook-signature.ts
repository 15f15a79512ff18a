import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stripe-style signature of a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`.
 * Signing the timestamp with the body lets receivers refuse replays of old deliveries.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${digest}`;
}

/**
 * What a receiver does (also in the README): recompute the HMAC over the raw body and compare in
 * constant time, and refuse timestamps further than `toleranceSeconds` from `now`.
 */
export function verifyWebhookSignature(input: { secret: string; header: string; body: string; now?: Date; toleranceSeconds?: number }): boolean {
  const parts = new Map(input.header.split(',').map((kv) => kv.split('=', 2) as [string, string]));
  const timestamp = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isInteger(timestamp) || !given || !/^[0-9a-f]{64}$/.test(given)) return false;
  const nowSeconds = Math.floor((input.now ?? new Date()).getTime() / 1000);
  if (Math.abs(nowSeconds - timestamp) > (input.toleranceSeconds ?? 300)) return false;
  const expected = createHmac('sha256', input.secret).update(`${timestamp}.${input.body}`).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}
