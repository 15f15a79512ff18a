import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from './backend.ts';
import { loadTextEncoder } from './encoders/text-encoder.ts';
import { readBanking77 } from './encoders/shared-datasets.ts';
import { testDrift } from './drift.ts';

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
