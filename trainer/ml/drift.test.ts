import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from './backend.ts';
import { loadTextEncoder } from './encoders/text-encoder.ts';
import { readBanking77 } from './encoders/shared-datasets.ts';
import { describeEffect, driftAlarm, testDrift, testLabelShift } from './drift.ts';
import { createRandom } from './head-fit.ts';

describe('testDrift on real sentence embeddings', () => {
  let embed: (texts: string[]) => Promise<Float32Array[]>;
  let rows: { text: string; category: string }[];
  beforeAll(async () => {
    await initTensorBackend({ log: () => undefined });
    const encoder = await loadTextEncoder();
    embed = (texts) => encoder.embed(texts);
    rows = await readBanking77('train');
  }, 60_000);

  it('stays quiet on a fresh sample of the training distribution and fires on a shifted one', async () => {
    const intents = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'top_up_failed'];
    const pick = (categories: string[], from: number, count: number) =>
      categories.flatMap((c) => rows.filter((r) => r.category === c).slice(from, from + count)).map((r) => r.text);
    const training = await embed(pick(intents, 0, 30));
    const sameDistribution = await embed(pick(intents, 30, 30));
    // Production traffic about other things (the intents the model never saw).
    const shifted = await embed(pick(['pin_blocked', 'terminate_account', 'get_physical_card', 'apple_pay_or_google_pay'], 0, 30));

    const quiet = testDrift(sameDistribution, training, { seed: 3 });
    const loud = testDrift(shifted, training, { seed: 3 });
    expect(quiet.drifted).toBe(false);
    expect(quiet.pValue).toBeGreaterThan(0.05);
    expect(loud.drifted).toBe(true);
    expect(loud.mmd2).toBeGreaterThan(5 * Math.max(quiet.mmd2, 1e-6));
    expect(() => testDrift(shifted.slice(0, 1), training)).toThrow(/at least two/);
  }, 60_000);
});

/** n points in d dimensions around `shift`, by a seeded Box–Muller. */
function gaussian(n: number, d: number, random: () => number, shift = 0): Float32Array[] {
  return Array.from({ length: n }, () =>
    Float32Array.from({ length: d }, () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()) + shift),
  );
}

describe('drift on synthetic data', () => {
  it('signals at about its alpha on samples of one distribution, and measures the effect against chance', () => {
    const random = createRandom(11);
    let signals = 0;
    for (let check = 0; check < 60; check += 1) {
      const test = testDrift(gaussian(40, 8, random), gaussian(40, 8, random), { seed: check, alpha: 0.05 });
      if (test.drifted) signals += 1;
    }
    // Expected 3 of 60 at alpha 0.05; 9 or more would happen by chance less than 0.2% of the time.
    expect(signals).toBeLessThan(9);
    const shifted = testDrift(gaussian(40, 8, random, 0.8), gaussian(40, 8, random), { seed: 1, alpha: 0.05 });
    expect(shifted.drifted).toBe(true);
    expect(shifted.effect).toBeGreaterThan(2);
    expect(describeEffect(shifted.effect)).not.toBe('within what chance gives');
    expect(describeEffect(0.5)).toBe('within what chance gives');
  });

  it('finds label shift by total variation distance with an exact permutation p-value', () => {
    const same = testLabelShift([1, 1, 2, 2, 3, 3, 1, 2, 3, 1], [1, 2, 3, 1, 2, 3, 1, 2, 3, 3], { seed: 1 });
    expect(same.pValue).toBeGreaterThan(0.5);
    const production = [...Array(40).fill(1), ...Array(10).fill(2)];
    const reference = [...Array(15).fill(1), ...Array(25).fill(2), ...Array(10).fill(3)];
    const shift = testLabelShift(production, reference, { seed: 1 });
    // Shares 0.8/0.2/0 against 0.3/0.5/0.2: half the mass moves.
    expect(shift.distance).toBeCloseTo(0.5, 10);
    expect(shift.pValue).toBeLessThan(0.005);
    expect(shift.shares).toEqual([
      { labelId: 1, production: 0.8, reference: 0.3 },
      { labelId: 2, production: 0.2, reference: 0.5 },
      { labelId: 3, production: 0, reference: 0.2 },
    ]);
    expect(() => testLabelShift([], [1])).toThrow(/both sides/);
  });

  it('sounds the alarm only when two checks in a row signal', () => {
    expect(driftAlarm(true, null)).toBe(false);
    expect(driftAlarm(true, false)).toBe(false);
    expect(driftAlarm(true, true)).toBe(true);
    expect(driftAlarm(false, true)).toBe(false);
  });
});
