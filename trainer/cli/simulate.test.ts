import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeGreyPng, pickPerClass, readBanking77, readFashionMnistTest, SHARED_IMAGE_MODEL_DIR } from '../ml/encoders/shared-datasets.ts';
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

  it('runs on images: a folder per class, or a CSV of image paths relative to the file', async () => {
    // Three Fashion-MNIST classes a linear head on MobileNet features tells apart well:
    // trouser (1), sneaker (7), bag (8).
    const fashion = await readFashionMnistTest();
    const names: Record<number, string> = { 1: 'trouser', 7: 'sneaker', 8: 'bag' };
    const picked = pickPerClass(fashion.labels, 30).filter((i) => names[fashion.labels[i]!] !== undefined);
    const folders = path.join(dir, 'images');
    const csvLines = ['path,kind'];
    for (const i of picked) {
      const name = names[fashion.labels[i]!]!;
      mkdirSync(path.join(folders, name), { recursive: true });
      writeFileSync(path.join(folders, name, `${i}.png`), await encodeGreyPng(fashion.pixels[i]!, fashion.width, fashion.height));
      csvLines.push(`images/${name}/${i}.png,${name}`);
    }
    const csv = path.join(dir, 'images.csv');
    writeFileSync(csv, csvLines.join('\n'));
    const common = ['--strategies', 'margin', '--initial', '9', '--batch', '15', '--budget', '39', '--image-model-dir', SHARED_IMAGE_MODEL_DIR, '--cache-dir', path.join(dir, 'cache')];
    const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as { encoder: string; fullDataAccuracy: number; strategies: Record<string, { curve: { labels: number }[] }> };

    const fromFolders = path.join(dir, 'folders.json');
    await runSimulate(['--data', folders, '--out', fromFolders, ...common]);
    const fromCsv = path.join(dir, 'csv.json');
    await runSimulate(['--data', csv, '--image-field', 'path', '--label-field', 'kind', '--out', fromCsv, ...common]);
    for (const report of [read(fromFolders), read(fromCsv)]) {
      expect(report.encoder).toMatch(/mobilenet/i);
      // Chance is 1/3; these classes look nothing alike.
      expect(report.fullDataAccuracy).toBeGreaterThan(0.85);
      expect(report.strategies.margin!.curve.map((p) => p.labels)).toEqual([9, 24, 39]);
    }

    writeFileSync(csv, `${csvLines.join('\n')}\nimages/none/missing.png,bag\n`);
    await expect(runSimulate(['--data', csv, '--image-field', 'path', '--label-field', 'kind', '--out', fromCsv, ...common])).rejects.toThrow(
      new RegExp(`row ${picked.length + 1}.*missing\\.png`),
    );

    // Bytes that are not an image, in a class folder: the error names the file.
    writeFileSync(path.join(folders, 'bag', 'notes.png'), 'not an image');
    await expect(runSimulate(['--data', folders, '--out', fromFolders, ...common])).rejects.toThrow(/row \d+ \(bag\/notes\.png\)/);
  }, 180_000);

  it('names the problem in bad arguments and bad rows', async () => {
    await expect(runSimulate(['--data', 'x.csv'])).rejects.toThrow(/usage: sift simulate/);
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'text,label\nhello,a\n,b\n');
    await expect(runSimulate(['--data', file, '--text-field', 'text', '--out', path.join(dir, 'r.json')])).rejects.toThrow(/row 2: "text" is missing or empty/);
    await expect(
      runSimulate(['--data', file, '--text-field', 'text', '--strategies', 'psychic', '--out', path.join(dir, 'r.json')]),
    ).rejects.toThrow(/unknown strategy psychic/);
  });

  it('refuses an --out in a missing folder before embedding anything', async () => {
    const file = path.join(dir, 'fast.csv');
    writeFileSync(file, 'text,label\nhello,a\nhi,b\n');
    await expect(runSimulate(['--data', file, '--text-field', 'text', '--out', path.join(dir, 'nodir', 'r.json')])).rejects.toThrow(
      `--out: the folder ${path.join(dir, 'nodir')} does not exist`,
    );
  });
});
