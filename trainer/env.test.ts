import { describe, expect, it } from 'vitest';
import { loadTrainerEnv } from './env.ts';

const base = { NODE_ENV: 'test', DATABASE_URL: 'postgres://sift@localhost/sift' } as const;

describe('SIFT_TRAINER_MAX_RSS_MB', () => {
  it('is no ceiling when unset, blank or 0', () => {
    expect(loadTrainerEnv(base).SIFT_TRAINER_MAX_RSS_MB).toBe(0);
    expect(loadTrainerEnv({ ...base, SIFT_TRAINER_MAX_RSS_MB: '' }).SIFT_TRAINER_MAX_RSS_MB).toBe(0);
    expect(loadTrainerEnv({ ...base, SIFT_TRAINER_MAX_RSS_MB: '0' }).SIFT_TRAINER_MAX_RSS_MB).toBe(0);
  });

  it('reads a whole number of MB', () => {
    expect(loadTrainerEnv({ ...base, SIFT_TRAINER_MAX_RSS_MB: '1536' }).SIFT_TRAINER_MAX_RSS_MB).toBe(1536);
  });

  it.each(['lots', '1.5', '-1', '2GB', '9999999'])('refuses %j at boot, naming the variable', (value) => {
    expect(() => loadTrainerEnv({ ...base, SIFT_TRAINER_MAX_RSS_MB: value })).toThrow(
      /SIFT_TRAINER_MAX_RSS_MB: must be a whole number of MB from 0 \(no ceiling\) to 1048576/,
    );
  });
});
