import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { encodeGreyPng, pickPerClass, readBanking77, readFashionMnistTest, SHARED_IMAGE_MODEL_DIR } from '../ml/encoders/shared-datasets.ts';
import { runAudit } from './audit.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'sift-audit-'));
const cache = ['--cache-dir', path.join(dir, 'cache')];

interface Report {
  encoder: string;
  folds: number;
  accuracy: number;
  ranked: { index: number; given: string; suggested: string; score: number; flagged: boolean }[];
}

/** A CSV field, quoted as RFC 4180 asks. */
const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;

describe('sift audit', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ranks deliberately flipped labels of a real labelled file near the top', async () => {
    const intents = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'top_up_failed', 'pin_blocked'];
    const rows = await readBanking77('train');
    const picked = intents.flatMap((intent) => rows.filter((r) => r.category === intent).slice(0, 40));
    // Eight rows, spread over every intent, get the next intent's label.
    const flipped = [3, 31, 48, 77, 102, 125, 163, 190];
    const labels = picked.map((r, i) => (flipped.includes(i) ? intents[(intents.indexOf(r.category) + 1) % intents.length]! : r.category));
    const file = path.join(dir, 'intents.csv');
    writeFileSync(file, ['message,intent', ...picked.map((r, i) => `${quote(r.text)},${labels[i]}`)].join('\n'));
    const out = path.join(dir, 'report.json');
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    let printed: string[];
    try {
      await runAudit(['--data', file, '--text-field', 'message', '--label-field', 'intent', '--out', out, ...cache]);
    } finally {
      printed = log.mock.calls.map((call) => String(call[0]));
      log.mockRestore();
    }
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.encoder).toBe('use-lite-512');
    expect(report.folds).toBe(5);
    // Five distinct intents with 4% of labels wrong: well above chance (0.2).
    expect(report.accuracy).toBeGreaterThan(0.8);
    expect(report.ranked.map((r) => r.index).sort((a, b) => a - b)).toEqual(picked.map((_, i) => i));
    report.ranked.forEach((r, i) => {
      expect(r.given).toBe(labels[r.index]);
      expect(intents).toContain(r.suggested);
      expect(r.suggested).not.toBe(r.given);
      if (i > 0) expect(r.score).toBeLessThanOrEqual(report.ranked[i - 1]!.score);
    });
    // Random order would put 8 × 20/200 = 0.8 of them in the top 20.
    const top20 = report.ranked.slice(0, 20).map((r) => r.index);
    expect(flipped.filter((i) => top20.includes(i)).length).toBeGreaterThanOrEqual(6);
    // The suggestion for a flipped row is mostly its original intent.
    const suggested = new Map(report.ranked.map((r) => [r.index, r.suggested]));
    expect(flipped.filter((i) => suggested.get(i) === picked[i]!.category).length).toBeGreaterThanOrEqual(6);
    const flagged = report.ranked.filter((r) => r.flagged).map((r) => r.index);
    expect(flagged.filter((i) => flipped.includes(i)).length).toBeGreaterThanOrEqual(4);
    expect(flagged.filter((i) => flipped.includes(i)).length / flagged.length).toBeGreaterThan(0.5);
    // The printed top ten names rows, given → suggested labels and texts.
    const lines = printed.filter((line) => /^\s*\d+\s+\d\.\d{3}\s.* → /.test(line));
    expect(lines).toHaveLength(10);
    expect(lines[0]).toContain(picked[report.ranked[0]!.index]!.text.slice(0, 20));
  }, 60_000);

  it('audits images listed in a CSV', async () => {
    // Trouser (1), sneaker (7) and bag (8): classes MobileNet features tell apart well.
    const fashion = await readFashionMnistTest();
    const names: Record<number, string> = { 1: 'trouser', 7: 'sneaker', 8: 'bag' };
    const picked = pickPerClass(fashion.labels, 20).filter((i) => names[fashion.labels[i]!] !== undefined);
    mkdirSync(path.join(dir, 'images'), { recursive: true });
    const flipped = [5, 27, 50];
    const lines = ['path,kind'];
    for (const [row, i] of picked.entries()) {
      writeFileSync(path.join(dir, 'images', `${i}.png`), await encodeGreyPng(fashion.pixels[i]!, fashion.width, fashion.height));
      const kind = names[fashion.labels[i]!]!;
      lines.push(`images/${i}.png,${flipped.includes(row) ? (kind === 'bag' ? 'trouser' : 'bag') : kind}`);
    }
    const file = path.join(dir, 'images.csv');
    writeFileSync(file, lines.join('\n'));
    const out = path.join(dir, 'images.json');
    await runAudit(['--data', file, '--image-field', 'path', '--label-field', 'kind', '--image-model-dir', SHARED_IMAGE_MODEL_DIR, '--out', out, ...cache]);
    const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
    expect(report.encoder).toMatch(/mobilenet/i);
    expect(report.ranked).toHaveLength(picked.length);
    // Random order would put 3 × 6/60 = 0.3 of them in the top 6.
    const top6 = report.ranked.slice(0, 6).map((r) => r.index);
    expect(flipped.filter((i) => top6.includes(i)).length).toBeGreaterThanOrEqual(2);
    expect(report.ranked.filter((r) => r.flagged && flipped.includes(r.index)).length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('names the problem in bad arguments and bad files', async () => {
    const out = path.join(dir, 'bad.json');
    await expect(runAudit(['--data', 'x.csv'])).rejects.toThrow(/usage: sift audit/);
    const file = path.join(dir, 'bad.csv');
    writeFileSync(file, 'text,label\nhello,a\nhi,b\nhey,a\n');
    const args = ['--data', file, '--text-field', 'text', '--out', out, ...cache];
    await expect(runAudit([...args, '--folds', '1'])).rejects.toThrow(/--folds must be a whole number ≥ 2, got "1"/);
    await expect(runAudit([...args, '--neighbors', 'ten'])).rejects.toThrow(/--neighbors must be a whole number ≥ 0/);
    await expect(runAudit([...args, '--image-field', 'text'])).rejects.toThrow(/not both/);
    writeFileSync(file, 'text,label\nhello,a\n,b\n');
    await expect(runAudit(args)).rejects.toThrow(/row 2: "text" is missing or empty/);
    writeFileSync(file, 'text,label\nhello,a\nhi,a\n');
    await expect(runAudit(args)).rejects.toThrow(/at least two classes in "label", found 1/);
  });

  it('refuses an --out it cannot write before embedding anything', async () => {
    const file = path.join(dir, 'fast.csv');
    writeFileSync(file, 'text,label\nhello,a\nhi,b\n');
    const cacheDir = path.join(dir, 'fast-cache');
    const args = ['--data', file, '--text-field', 'text', '--cache-dir', cacheDir];
    const started = performance.now();
    await expect(runAudit([...args, '--out', path.join(dir, 'nodir', 'a.json')])).rejects.toThrow(`--out: the folder ${path.join(dir, 'nodir')} does not exist`);
    await expect(runAudit([...args, '--out', dir])).rejects.toThrow(`--out ${dir} is a folder; give a file name`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(existsSync(cacheDir)).toBe(false);
  });
});
