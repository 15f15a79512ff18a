import { describe, expect, it } from 'vitest';
import { ceilingBytes, formatMb, isHeartbeatFresh, shouldRestartForMemory } from './memory-ceiling.ts';

describe('the trainer memory ceiling', () => {
  it('has none at 0, and counts MB as MiB otherwise', () => {
    expect(ceilingBytes(0)).toBeNull();
    expect(ceilingBytes(1)).toBe(1_048_576);
    expect(ceilingBytes(2048)).toBe(2048 * 1_048_576);
  });

  it('restarts only above a ceiling, never without one', () => {
    const ceiling = ceilingBytes(512);
    expect(shouldRestartForMemory(600 * 1_048_576, ceiling)).toBe(true);
    expect(shouldRestartForMemory(512 * 1_048_576, ceiling)).toBe(false);
    expect(shouldRestartForMemory(100 * 1_048_576, ceiling)).toBe(false);
    expect(shouldRestartForMemory(Number.MAX_SAFE_INTEGER, null)).toBe(false);
  });

  it('says bytes in whole MB', () => {
    expect(formatMb(812.4 * 1_048_576)).toBe('812 MB');
  });

  it('calls a report fresh for three heartbeats', () => {
    expect(isHeartbeatFresh(0)).toBe(true);
    expect(isHeartbeatFresh(30_000)).toBe(true);
    expect(isHeartbeatFresh(30_001)).toBe(false);
  });
});
