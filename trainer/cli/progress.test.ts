import { describe, expect, it } from 'vitest';
import { formatBytes, renderProgress } from './progress.ts';

describe('progress', () => {
  it('draws a bar with the share done, or only the detail without a total', () => {
    expect(renderProgress(0, 100, 'x')).toBe(`[${'░'.repeat(30)}]   0%  x`);
    expect(renderProgress(50, 100, 'half')).toBe(`[${'█'.repeat(15)}${'░'.repeat(15)}]  50%  half`);
    expect(renderProgress(120, 100, 'over')).toContain('100%');
    expect(renderProgress(5, undefined, '5 lines')).toBe('5 lines');
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2048)).toBe('2.0 KB');
    expect(formatBytes(3.5 * 1024 * 1024)).toBe('3.5 MB');
  });
});
