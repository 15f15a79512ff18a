import { describe, expect, it } from 'vitest';
import { readHealth } from './use-service-health.ts';

describe('readHealth', () => {
  it('names the dependency that is down, the database first', () => {
    expect(readHealth({ status: 'ok', database: { ok: true }, queue: { ok: true } })).toBeNull();
    expect(readHealth({ status: 'degraded', database: { ok: true }, queue: { ok: false } })).toBe('queue');
    expect(readHealth({ status: 'degraded', database: { ok: false }, queue: { ok: false } })).toBe('database');
    expect(readHealth(null)).toBeNull();
    expect(readHealth({ error: { code: 'UNAVAILABLE' } })).toBeNull();
  });
});
