import { describe, expect, it } from 'vitest';
import { fitLexical, lexicalFromJSON, type SparseRows } from './lexical.ts';

const corpus = [
  'I want a refund for my card payment',
  'refund my payment please',
  'my card has not arrived yet',
  'where is my new card',
  'how do I top up by bank transfer',
  'top up failed on my account',
];

function row(rows: SparseRows, i: number): Map<number, number> {
  const out = new Map<number, number>();
  for (let p = rows.indptr[i]!; p < rows.indptr[i + 1]!; p += 1) out.set(rows.indices[p]!, rows.values[p]!);
  return out;
}

function cosine(a: Map<number, number>, b: Map<number, number>): number {
  let dot = 0;
  for (const [column, value] of a) dot += value * (b.get(column) ?? 0);
  return dot;
}

describe('fitLexical', () => {
  it('gives L2-normalised rows with ascending, in-range columns', () => {
    const model = fitLexical(corpus);
    const rows = model.transform(corpus);
    expect(rows.nRows).toBe(corpus.length);
    for (let i = 0; i < rows.nRows; i += 1) {
      const start = rows.indptr[i]!;
      const end = rows.indptr[i + 1]!;
      let norm = 0;
      for (let p = start; p < end; p += 1) {
        norm += rows.values[p]! ** 2;
        expect(rows.indices[p]!).toBeLessThan(model.dims);
        if (p > start) expect(rows.indices[p]!).toBeGreaterThan(rows.indices[p - 1]!);
      }
      expect(norm).toBeCloseTo(1, 5);
    }
  });

  it('is deterministic and round-trips through JSON', () => {
    const a = fitLexical(corpus);
    const b = fitLexical(corpus);
    expect(b.toJSON()).toEqual(a.toJSON());
    const restored = lexicalFromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(restored.dims).toBe(a.dims);
    expect(restored.transform(['refund my card'])).toEqual(a.transform(['refund my card']));
  });

  it('makes texts that share words and spellings similar, unrelated ones less so', () => {
    const model = fitLexical(corpus);
    const rows = model.transform(['refund my payment', 'refnd my paymnet', 'where is my new card']);
    const [exact, typo, other] = [row(rows, 0), row(rows, 1), row(rows, 2)];
    // Character n-grams keep a misspelt text close to the original.
    expect(cosine(exact, typo)).toBeGreaterThan(0.3);
    expect(cosine(exact, typo)).toBeGreaterThan(cosine(exact, other));
  });

  it('drops n-grams seen in fewer than minDf texts', () => {
    const strict = fitLexical(corpus, { minDf: 2 });
    const loose = fitLexical(corpus, { minDf: 1 });
    expect(strict.dims).toBeLessThan(loose.dims);
    // "arrived" occurs once, so with minDf 2 its word column is gone: the text keeps fewer columns.
    const text = ['arrived'];
    expect(strict.transform(text).indices.length).toBeLessThan(loose.transform(text).indices.length);
  });

  it('handles empty, whitespace-only and non-Latin texts without NaN', () => {
    const model = fitLexical(['', '   ', 'café crème', 'カード 届かない', 'カード 再発行']);
    const rows = model.transform(['', 'カード', '!!!']);
    expect(rows.indptr[1]).toBe(0);
    expect([...rows.values].every(Number.isFinite)).toBe(true);
    expect(rows.indptr[2]! - rows.indptr[1]!).toBeGreaterThan(0);
  });

  it('keeps character n-grams for short texts and leaves them out of long documents, round-tripping the choice', () => {
    expect(fitLexical(corpus).toJSON().characters).toBe(true);
    // ~1,000 characters of varied words per text: far over the per-text budget of character n-grams.
    const words = corpus.join(' ').split(' ');
    const long = Array.from({ length: 20 }, (_, t) => Array.from({ length: 180 }, (_, k) => `${words[(t * 7 + k * 3) % words.length]}${k % 13}`).join(' '));
    const model = fitLexical(long);
    expect(model.toJSON().characters).toBe(false);
    const withCharacters = fitLexical(long, { characters: true });
    const rows = model.transform(long.slice(0, 2));
    expect(rows.indices.length).toBeLessThan(withCharacters.transform(long.slice(0, 2)).indices.length / 3);
    const restored = lexicalFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(restored.transform(long.slice(0, 2))).toEqual(rows);
    // Without character n-grams a misspelling shares nothing with the word it misspells.
    const shortWordsOnly = fitLexical(corpus, { characters: false });
    const typo = shortWordsOnly.transform(['refund', 'refnd']);
    expect(cosine(row(typo, 0), row(typo, 1))).toBe(0);
  });

  it('rejects invalid bucket counts', () => {
    expect(() => fitLexical(corpus, { buckets: 3 })).toThrow(/buckets/);
  });
});
