import { describe, expect, it } from 'vitest';
import { TRAINER_RESTART_EXIT_CODE } from '#trainer/memory-ceiling.ts';
import { HEALTHY_UPTIME_MS, planTrainerRestart } from './trainer-restart.ts';

const long = HEALTHY_UPTIME_MS;
const short = 5_000;

describe('restarting the trainer child', () => {
  it('restarts at once for memory after a healthy run', () => {
    expect(planTrainerRestart({ code: TRAINER_RESTART_EXIT_CODE, uptimeMs: long }, 4)).toEqual({ reason: 'memory', delayMs: 0, quickExits: 0 });
  });

  it('waits a second after a crash, whatever the exit', () => {
    expect(planTrainerRestart({ code: 1, uptimeMs: long * 10 }, 0)).toEqual({ reason: 'crash', delayMs: 1000, quickExits: 0 });
    expect(planTrainerRestart({ code: null, uptimeMs: long }, 3)).toMatchObject({ reason: 'crash', delayMs: 1000 });
    expect(planTrainerRestart({ code: 0, uptimeMs: long }, 0)).toMatchObject({ reason: 'crash' });
  });

  it('doubles the wait for each quick exit in a row, up to a minute, so a crash loop does not spin', () => {
    let quickExits = 0;
    const delays: number[] = [];
    for (let i = 0; i < 9; i += 1) {
      const plan = planTrainerRestart({ code: 1, uptimeMs: short }, quickExits);
      quickExits = plan.quickExits;
      delays.push(plan.delayMs);
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
  });

  it('backs off restarts for memory too when they come quickly (a ceiling below the resting memory)', () => {
    expect(planTrainerRestart({ code: TRAINER_RESTART_EXIT_CODE, uptimeMs: short }, 0)).toEqual({ reason: 'memory', delayMs: 1000, quickExits: 1 });
    expect(planTrainerRestart({ code: TRAINER_RESTART_EXIT_CODE, uptimeMs: short }, 3)).toEqual({ reason: 'memory', delayMs: 8000, quickExits: 4 });
  });

  it('forgets earlier quick exits after a healthy run', () => {
    expect(planTrainerRestart({ code: 1, uptimeMs: long }, 6)).toMatchObject({ delayMs: 1000, quickExits: 0 });
  });
});
