import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readBanking77 } from '../ml/encoders/shared-datasets.ts';
import { runSimulate } from './simulate.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sift-simulate-'));

describe('sift simulate', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes learning curves per strategy, full-data accuracy and labels-to-95% for a real labeled file', async () => {
    const categories = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'top_up_failed'];
    const rows = (await readBanking77('train')).filter((r) => categories.includes(r.category));
    const picked = categories.flatMap((c) => rows.filter((r) => r.category === c).slice(0, 40));
    const file = path.join(dir, 'intents.jsonl');
    writeFileSync(file, picked.map((r) => JSON.stringify({ utterance: r.text, intent: r.category })).join('\n'));
    const out = path.join(dir, 'report.json');

    await runSimulate([
      '--data', file, '--text-field', 'utterance', '--label-field', 'intent',
      '--strategies', 'random,margin', '--initial', '8', '--batch', '16', '--budget', '40',
      '--out', out, '--cache-dir', path.join(dir, 'cache'),
    ]);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      encoder: string;
      backend: string;
      fullDataAccuracy: number;
      strategies: Record<string, { curve: { labels: number; accuracy: number; macroF1: number }[] }>;
      labelsToReach95: Record<string, number | null>;
    };
    expect(report.encoder).toBe('use-lite-512');
    // Four distinct intents: far above chance (0.25) with all 128 training rows.
    expect(report.fullDataAccuracy).toBeGreaterThan(0.8);
    expect(Object.keys(report.strategies)).toEqual(['random', 'margin']);
    expect(report.strategies.margin!.curve.map((p) => p.labels)).toEqual([8, 24, 40]);
    for (const point of report.strategies.random!.curve) expect(point.accuracy).toBeGreaterThan(0);
    expect(Object.keys(report.labelsToReach95)).toEqual(['random', 'margin']);
  }, 120_000);

  it('names the problem in bad arguments and bad rows', async () => {
    await expect(runSimulate(['--data', 'x.csv'])).rejects.toThrow(/usage: sift simulate/);
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'text,label\nhello,a\n,b\n');
    await expect(runSimulate(['--data', file, '--text-field', 'text', '--out', path.join(dir, 'r.json')])).rejects.toThrow(/row 2: "text" is missing or empty/);
    await expect(
      runSimulate(['--data', file, '--text-field', 'text', '--strategies', 'psychic', '--out', path.join(dir, 'r.json')]),
    ).rejects.toThrow(/unknown strategy psychic/);
  });
});
