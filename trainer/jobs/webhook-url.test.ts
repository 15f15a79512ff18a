import { describe, expect, it } from 'vitest';
import { checkWebhookUrl, isPrivateAddress } from './webhook-url.ts';

const allow = { allowPrivate: true };
const deny = { allowPrivate: false };

describe('webhook URL rules', () => {
  it('takes http and https URLs, nothing else', () => {
    expect(checkWebhookUrl('https://hooks.example.com/sift', allow).ok).toBe(true);
    expect(checkWebhookUrl('http://10.0.0.5:8080/in', allow).ok).toBe(true);
    for (const bad of ['ftp://example.com/x', 'file:///etc/passwd', 'javascript:alert(1)', 'not a url', '//example.com']) {
      expect(checkWebhookUrl(bad, allow).ok, bad).toBe(false);
    }
  });

  it('refuses credentials in the URL', () => {
    const check = checkWebhookUrl('https://user:pass@example.com/hook', allow);
    expect(check).toEqual({ ok: false, reason: expect.stringMatching(/credentials/) });
    expect(checkWebhookUrl('https://token@example.com/hook', allow).ok).toBe(false);
  });

  it('refuses private and loopback hosts only when told to', () => {
    for (const url of ['http://localhost:3000/x', 'http://127.0.0.1/x', 'http://[::1]/x', 'http://192.168.1.2/x', 'http://169.254.169.254/latest', 'http://[::ffff:10.1.2.3]/x']) {
      expect(checkWebhookUrl(url, allow).ok, url).toBe(true);
      expect(checkWebhookUrl(url, deny).ok, url).toBe(false);
    }
    expect(checkWebhookUrl('https://example.com/x', deny).ok).toBe(true);
  });

  it('classifies addresses', () => {
    for (const a of ['10.1.1.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '127.0.0.1', '0.0.0.0', '169.254.1.1', '100.64.0.1', '::1', '::', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1']) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ['8.8.8.8', '172.32.0.1', '192.169.0.1', '100.128.0.1', '2001:4860:4860::8888']) {
      expect(isPrivateAddress(a), a).toBe(false);
    }
  });
});
