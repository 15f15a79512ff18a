import { describe, expect, it } from 'vitest';
import { loadEnv } from './env.ts';

const load = (vars: Record<string, string>) => loadEnv({ NODE_ENV: 'test', ...vars });

describe('loadEnv', () => {
  it('defaults the export and import limits, and reads whole numbers', () => {
    expect(load({})).toMatchObject({ SIFT_TRANSFER_RATE_PER_MINUTE: 30, SIFT_EXPORT_CONCURRENCY: 2 });
    expect(load({ SIFT_TRANSFER_RATE_PER_MINUTE: '5', SIFT_EXPORT_CONCURRENCY: '1' })).toMatchObject({ SIFT_TRANSFER_RATE_PER_MINUTE: 5, SIFT_EXPORT_CONCURRENCY: 1 });
  });

  it('names each bad limit and what it takes', () => {
    for (const value of ['abc', '0', '2.5', '-1', '1000001']) {
      expect(() => load({ SIFT_TRANSFER_RATE_PER_MINUTE: value }), value).toThrow(/SIFT_TRANSFER_RATE_PER_MINUTE: must be a whole number of requests per minute from 1 to 1,000,000/);
    }
    expect(() => load({ SIFT_EXPORT_CONCURRENCY: '0', SIFT_TRANSFER_RATE_PER_MINUTE: 'x' })).toThrow(/SIFT_TRANSFER_RATE_PER_MINUTE: .*\n {2}SIFT_EXPORT_CONCURRENCY: must be a whole number of exports at once from 1 to 100/);
  });

  it('reads PORT, and refuses a blank one instead of taking it for 0 (any free port)', () => {
    expect(load({}).PORT).toBe(3000);
    expect(load({ PORT: '8080' }).PORT).toBe(8080);
    expect(load({ PORT: '0' }).PORT).toBe(0);
    for (const value of [' ', '\t', 'http', '70000', '-1', '80.5']) {
      expect(() => load({ PORT: value }), JSON.stringify(value)).toThrow(/PORT: must be a port number from 0 to 65535/);
    }
    expect(() => load({ SIFT_TRANSFER_RATE_PER_MINUTE: '  ' })).toThrow(/SIFT_TRANSFER_RATE_PER_MINUTE: must be a whole number/);
  });
});
