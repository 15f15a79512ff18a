import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './webhook-signature.ts';

const body = '{"id":"x"}';
const t = 1_700_000_000;
const at = new Date(t * 1000);

describe('webhook signature', () => {
  it('is t=<ts>,v1=<hex HMAC-SHA256 of "<ts>.<body>">', () => {
    // Fixed vector: `printf '1700000000.{"id":"x"}' | openssl dgst -sha256 -hmac whsec_test`
    expect(signWebhook('whsec_test', t, body)).toBe('t=1700000000,v1=80e8d098018f757aa814ab1abb924f35d304affa1d93d29611a54696207eb7c3');
  });

  it('verifies the exact body and timestamp with the right secret only', () => {
    const header = signWebhook('whsec_test', t, body);
    expect(verifyWebhookSignature({ secret: 'whsec_test', header, body, now: at })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_other', header, body, now: at })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'whsec_test', header, body: '{"id": "x"}', now: at })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'whsec_test', header: header.replace(`t=${t}`, `t=${t + 1}`), body, now: at })).toBe(false);
    expect(verifyWebhookSignature({ secret: 'whsec_test', header: 'garbage', body, now: at })).toBe(false);
  });

  it('refuses a timestamp outside the tolerance (replays)', () => {
    const header = signWebhook('whsec_test', t, body);
    expect(verifyWebhookSignature({ secret: 'whsec_test', header, body, now: new Date((t + 299) * 1000) })).toBe(true);
    expect(verifyWebhookSignature({ secret: 'whsec_test', header, body, now: new Date((t + 301) * 1000) })).toBe(false);
  });
});
