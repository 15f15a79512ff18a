import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { csvField, csvRow, guardFormula, unguardFormula } from './csv.ts';
import { exportFileName } from './export.service.ts';

describe('csv writer', () => {
  it('quotes fields with commas, quotes and line breaks, and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r')).toBe('"cr\r"');
    expect(csvField(null)).toBe('');
    expect(csvField(0.25)).toBe('0.25');
    expect(csvRow(['a', null, 3])).toBe('a,,3\r\n');
  });

  it('guards cells a spreadsheet would run as formulas', () => {
    for (const value of ['=1+1', '+1', '-2', '@SUM(A1)', '\tx', '\rx']) expect(csvField(value, true).replace(/^"/, '')).toMatch(/^'/);
    expect(csvField('=1+1', false)).toBe('=1+1');
    expect(csvField('a=b')).toBe('a=b');
    expect(csvField("'quoted")).toBe("'quoted");
  });

  it('makes the guard reversible, quotes already in the text included', () => {
    for (const value of ['=x', "'=x", "''-x", "'plain", 'plain', '', '@', "'", "'@"]) expect(unguardFormula(guardFormula(value))).toBe(value);
  });

  it('round-trips awkward values through a CSV parser', () => {
    const values = ['=HYPERLINK("http://x","y")', 'comma, "quote"\r\nand CRLF', 'naïve ☕', "''=z", ''];
    const [parsed] = parse(csvRow(values), { relax_quotes: false }) as string[][];
    expect(parsed!.map(unguardFormula)).toEqual(values);
  });
});

describe('exportFileName', () => {
  it('keeps only letters, digits and dashes', () => {
    const now = new Date('2026-12-03T10:00:00Z');
    expect(exportFileName({ id: 7, name: 'Support "tickets" / EU\r\n' }, 'csv', now)).toBe('sift-support-tickets-eu-7-2026-12-03.csv');
    expect(exportFileName({ id: 7, name: 'Ünïcödé' }, 'jsonl', now)).toBe('sift-unicode-7-2026-12-03.jsonl');
    expect(exportFileName({ id: 7, name: '日本語' }, 'csv', now)).toBe('sift-project-7-2026-12-03.csv');
    expect(exportFileName({ id: 7, name: 'x'.repeat(100) }, 'csv', now)).toHaveLength('sift--7-2026-12-03.csv'.length + 40);
  });
});
