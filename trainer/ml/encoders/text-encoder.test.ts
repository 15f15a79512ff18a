import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from '../backend.ts';
import type { Encoder } from './encoder.ts';
import { readBanking77, type Banking77Row } from './shared-datasets.ts';
import { loadTextEncoder, TEXT_ENCODER_NAME } from './text-encoder.ts';
import { dot } from './vectors.ts';

const PAIRS = 40;

let encoder: Encoder<string>;
let rows: Banking77Row[];

beforeAll(async () => {
  await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
  [encoder, rows] = await Promise.all([loadTextEncoder(), readBanking77('train')]);
});

afterAll(() => encoder?.dispose());

function expectUnitVectors(vectors: Float32Array[], dims: number): void {
  for (const vector of vectors) {
    expect(vector).toBeInstanceOf(Float32Array);
    expect(vector.length).toBe(dims);
    expect(vector.every(Number.isFinite)).toBe(true);
    expect(Math.sqrt(dot(vector, vector))).toBeCloseTo(1, 4);
  }
}

function maxAbsDifference(a: Float32Array, b: Float32Array): number {
  return a.reduce((max, value, i) => Math.max(max, Math.abs(value - b[i]!)), 0);
}

/** The first two messages of each of the first PAIRS categories, in file order. */
function firstTwoPerCategory(): [string, string][] {
  const byCategory = new Map<string, string[]>();
  for (const { text, category } of rows) byCategory.set(category, [...(byCategory.get(category) ?? []), text]);
  return [...byCategory.values()].slice(0, PAIRS).map((texts) => [texts[0]!, texts[1]!]);
}

describe('loadTextEncoder', () => {
  it('names itself and makes 512-d unit vectors', async () => {
    const vectors = await encoder.embed(['How do I top up my card?', 'My card was declined at the shop.']);
    expect(encoder.name).toBe(TEXT_ENCODER_NAME);
    expect(encoder.dims).toBe(512);
    expect(vectors).toHaveLength(2);
    expectUnitVectors(vectors, 512);
  });

  it('puts two messages of one banking77 intent closer than messages of different intents', async () => {
    const pairs = firstTwoPerCategory();
    const vectors = await encoder.embed(pairs.flat());
    const first = (i: number) => vectors[2 * i]!;
    const second = (i: number) => vectors[2 * i + 1]!;
    const same = pairs.map((_, i) => dot(first(i), second(i)));
    // Pair each category's first message with the next category's second one.
    const different = pairs.map((_, i) => dot(first(i), second((i + 1) % pairs.length)));
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    // Measured: 0.59 vs 0.39 (all banking77 intents are about banking, so even different ones are close).
    expect(mean(same) - mean(different)).toBeGreaterThan(0.1);
  });

  it('gives the same vectors in one batch as one text at a time', async () => {
    const texts = [
      ...rows.slice(0, 40).map((row) => row.text),
      '',
      'ok',
      'A rather longer message about a transfer that has been pending for three days now.',
    ];
    const batched = await encoder.embed(texts);
    for (const [i, text] of texts.entries()) {
      const [alone] = await encoder.embed([text]);
      expect(maxAbsDifference(batched[i]!, alone!), `text ${i}`).toBeLessThan(1e-4);
    }
  });

  it('embeds empty and whitespace-only strings, wherever they sit in a batch', async () => {
    const [alone] = await encoder.embed(['']);
    const mixed = await encoder.embed(['', 'card arrived', '   ', '']);
    const onlyEmpty = await encoder.embed(['', '']);
    expectUnitVectors([alone!, ...mixed, ...onlyEmpty], 512);
    expect(maxAbsDifference(alone!, mixed[0]!)).toBeLessThan(1e-4);
    expect(maxAbsDifference(alone!, mixed[3]!)).toBeLessThan(1e-4);
    expect(maxAbsDifference(alone!, onlyEmpty[1]!)).toBeLessThan(1e-4);
    expect(await encoder.embed([])).toEqual([]);
  });

  it('truncates very long texts to the 128 tokens the model reads', async () => {
    const long = 'I want to know why my transfer has not arrived yet. '.repeat(40);
    const [short, longer, huge] = await encoder.embed([long, `${long} Completely different tail.`, long.repeat(100)]);
    expectUnitVectors([short!, longer!, huge!], 512);
    expect(maxAbsDifference(short!, longer!)).toBeLessThan(1e-4);
    expect(maxAbsDifference(short!, huge!)).toBeLessThan(1e-4);
  });

  it('frees every tensor it makes', async () => {
    const texts = rows.slice(0, 70).map((row) => row.text);
    await encoder.embed(texts);
    const before = tf.memory().numTensors;
    await encoder.embed(texts);
    await encoder.embed(['', 'x']);
    expect(tf.memory().numTensors).toBe(before);
  });
});
