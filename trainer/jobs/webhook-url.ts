import { isIP } from 'node:net';

/**
 * Rules for a webhook's URL, shared by the server (when a lead saves it) and the webhook worker
 * (which checks every address the host resolves to, at connect time, so DNS cannot swap one in).
 *
 * Private, loopback and link-local addresses are allowed by default: self-hosted Sift usually posts
 * to services on its own network. That also lets anyone who may configure webhooks (leads) make the
 * server send POSTs into that network (SSRF); `SIFT_WEBHOOK_PRIVATE_NETWORKS=deny` refuses them.
 */
export type WebhookUrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

export function checkWebhookUrl(raw: string, options: { allowPrivate: boolean }): WebhookUrlCheck {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'not a valid URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { ok: false, reason: 'only http:// and https:// URLs can receive webhooks' };
  if (url.username || url.password) return { ok: false, reason: 'put no credentials in the URL: the signature proves the sender' };
  if (!url.hostname) return { ok: false, reason: 'the URL has no host' };
  if (!options.allowPrivate) {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host))) {
      return { ok: false, reason: 'private and loopback addresses are not allowed on this server (SIFT_WEBHOOK_PRIVATE_NETWORKS=deny)' };
    }
  }
  return { ok: true, url };
}

/** Loopback, private (RFC 1918, fc00::/7), link-local, CGNAT, unspecified, and IPv4-mapped forms of those. */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1]!);
  // The WHATWG URL parser writes IPv4-mapped addresses in hex: [::ffff:a01:203] is 10.1.2.3.
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  if (isIP(address) === 4) {
    const [a, b] = address.split('.').map(Number) as [number, number];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (isIP(address) === 6) {
    const lower = address.toLowerCase();
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower);
  }
  return false;
}
