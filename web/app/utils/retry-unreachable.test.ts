import { describe, expect, it } from 'vitest';
import { retryUnreachable } from './use-labeling-session.ts';

describe('retryUnreachable', () => {
  it('retries while the server gives no answer, and stops at the first answered error', async () => {
    let calls = 0;
    let unreachable = 0;
    const flaky = () => {
      calls += 1;
      return calls < 3 ? Promise.reject(new TypeError('fetch failed')) : Promise.resolve('saved');
    };
    await expect(retryUnreachable(flaky, { delays: [1, 1, 1], onUnreachable: () => (unreachable += 1) })).resolves.toBe('saved');
    expect(calls).toBe(3);
    expect(unreachable).toBe(2);

    calls = 0;
    const refused = () => {
      calls += 1;
      return Promise.reject(Object.assign(new Error('label 9 is not in this project'), { data: { code: 'BAD_REQUEST' } }));
    };
    await expect(retryUnreachable(refused, { delays: [1, 1] })).rejects.toThrow(/label 9/);
    expect(calls).toBe(1);

    calls = 0;
    const down = () => {
      calls += 1;
      return Promise.reject(new TypeError('fetch failed'));
    };
    await expect(retryUnreachable(down, { delays: [1, 1] })).rejects.toThrow(/fetch failed/);
    expect(calls).toBe(3);
  });
});
