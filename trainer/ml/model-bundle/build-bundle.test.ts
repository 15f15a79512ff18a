import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from '../backend.ts';
import type { Encoder } from '../encoders/encoder.ts';
import { readBanking77, type Banking77Row } from '../encoders/shared-datasets.ts';
import { loadTextEncoder } from '../encoders/text-encoder.ts';
import { fitHead, type Head } from '../head.ts';
import { fitLexical, type LexicalModel } from '../lexical.ts';
import { packModel, unpackModel } from '../model-blob.ts';
import { BUNDLE_FILES, type BundleManifest } from './bundle-format.ts';
import { buildModelBundle, type BundleFile } from './build-bundle.ts';
import { createFeaturizer, type LexicalFile } from './featurize.js';
import { BundleError, readModelBundle } from './read-bundle.ts';

const CATEGORIES = ['card_arrival', 'exchange_rate', 'lost_or_stolen_card', 'pin_blocked'];

let encoder: Encoder<string>;
let train: Banking77Row[];
let check: Banking77Row[];
let trainVectors: Float32Array[];
let checkVectors: Float32Array[];
let lexical: LexicalModel;

beforeAll(async () => {
  await initTensorBackend({ log: () => undefined });
  const rows = await readBanking77('train');
  train = CATEGORIES.flatMap((c) => rows.filter((r) => r.category === c).slice(0, 15));
  check = CATEGORIES.flatMap((c) => rows.filter((r) => r.category === c).slice(15, 25));
  encoder = await loadTextEncoder();
  [trainVectors, checkVectors] = [await encoder.embed(train.map((r) => r.text)), await encoder.embed(check.map((r) => r.text))];
  lexical = fitLexical([...train, ...check].map((r) => r.text));
}, 60_000);
afterAll(() => encoder?.dispose());

async function bundleOf(head: Head, withText: boolean): Promise<Map<string, Uint8Array>> {
  const serialized = head.serialize();
  const blob = unpackModel(packModel({ meta: { labelIds: [11, 12, 13, 14], encoder: 'use-lite-512', head: serialized.meta }, weights: serialized.weights }));
  const files = await buildModelBundle({
    blob,
    labelNames: CATEGORIES,
    project: { name: 'Banking', dataType: withText ? 'text' : 'image' },
    version: { version: 3, createdAt: new Date('2026-12-03T10:00:00Z'), labelCount: train.length, metrics: { labelIds: [11, 12, 13, 14], crossValidation: { accuracy: 0.9 } } },
    siftVersion: '0.1.0',
  });
  return new Map(files.map((f: BundleFile) => [f.name, f.data]));
}

const json = <T>(files: Map<string, Uint8Array>, name: string) => JSON.parse(new TextDecoder().decode(files.get(name))) as T;

/** Loads model.json + weights.bin through an in-memory IOHandler and runs it on `inputs`. */
async function runLayersModel(files: Map<string, Uint8Array>, inputs: Float32Array[]): Promise<number[][]> {
  const modelJson = json<{ modelTopology: object; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }>(files, BUNDLE_FILES.model);
  const bin = files.get(BUNDLE_FILES.weights)!;
  const weightData = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs: modelJson.weightsManifest[0]!.weights, weightData }));
  const x = tf.tensor2d(inputs.map((row) => Array.from(row)));
  const out = model.predict(x) as tf.Tensor;
  const result = (await out.array()) as number[][];
  tf.dispose([x, out]);
  model.dispose();
  return result;
}

function maxDifference(a: ArrayLike<number>[], b: ArrayLike<number>[]): number {
  let max = 0;
  a.forEach((row, i) => Array.from(row).forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]![j]!)))));
  return max;
}

describe('exporting a model version', () => {
  for (const kind of ['softmax', 'mlp'] as const) {
    it(`a text ${kind} head: the TF.js model on featurize.js features reproduces the head, and reads back`, async () => {
      const texts = train.map((r) => r.text);
      const fit = await fitHead({ dense: trainVectors, texts }, train.map((r) => CATEGORIES.indexOf(r.category)), CATEGORIES.length, { kind, lexical, l2: 1e-3, inverseTemperature: 1.7, seed: 1 });
      const files = await bundleOf(fit.head, true);
      expect([...files.keys()].sort()).toEqual(Object.values(BUNDLE_FILES).sort());
      const manifest = json<BundleManifest>(files, BUNDLE_FILES.manifest);
      expect(manifest).toMatchObject({ formatVersion: 1, labels: CATEGORIES.map((name, index) => ({ index, name })), head: { kind, inverseTemperature: 1.7 }, encoder: { name: 'use-lite-512', dims: 512 } });
      expect(manifest.metrics).toEqual({ crossValidation: { accuracy: 0.9 } });
      expect(new TextDecoder().decode(files.get(BUNDLE_FILES.readme))).toContain('featurize.js');

      const featurizer = createFeaturizer(json<LexicalFile>(files, BUNDLE_FILES.lexical));
      const inputs = check.map((r, i) => featurizer.features(checkVectors[i]!, r.text));
      expect(inputs[0]!.length).toBe(manifest.input.dims);
      const expected = fit.head.predictProba({ dense: checkVectors, texts: check.map((r) => r.text) });
      // A confident head, so matching it says something (uniform outputs would match anything uniform).
      expect(Math.max(...expected.map((p) => Math.max(...p)))).toBeGreaterThan(0.8);
      expect(maxDifference(await runLayersModel(files, inputs), expected)).toBeLessThan(1e-4);

      const back = readModelBundle(files);
      expect(back.labelNames).toEqual(CATEGORIES);
      expect(back.head.state.inverseTemperature).toBe(1.7);
      expect(maxDifference(back.head.predictProba({ dense: checkVectors, texts: check.map((r) => r.text) }), expected)).toBeLessThan(1e-5);
    }, 60_000);

    it(`an image-like ${kind} head without a lexical channel is a plain Sequential model`, async () => {
      const fit = await fitHead({ dense: trainVectors }, train.map((r) => CATEGORIES.indexOf(r.category)), CATEGORIES.length, { kind, l2: 1e-3, seed: 2 });
      const files = await bundleOf(fit.head, false);
      expect(files.has(BUNDLE_FILES.lexical) || files.has(BUNDLE_FILES.featurizer)).toBe(false);
      expect(json<{ modelTopology: { class_name: string } }>(files, BUNDLE_FILES.model).modelTopology.class_name).toBe('Sequential');
      expect(maxDifference(await runLayersModel(files, checkVectors), fit.head.predictProba({ dense: checkVectors }))).toBeLessThan(1e-4);
      expect(maxDifference(readModelBundle(files).head.predictProba({ dense: checkVectors }), fit.head.predictProba({ dense: checkVectors }))).toBeLessThan(1e-5);
    }, 60_000);
  }

  it('refuses bundles whose files disagree with the manifest', async () => {
    const fit = await fitHead({ dense: trainVectors, texts: train.map((r) => r.text) }, train.map((r) => CATEGORIES.indexOf(r.category)), CATEGORIES.length, { lexical, l2: 1e-3 });
    const files = await bundleOf(fit.head, true);
    const edited = (name: string, edit: (value: any) => void) => {
      const value = json<any>(files, name);
      edit(value);
      return new Map([...files, [name, new TextEncoder().encode(JSON.stringify(value))]]);
    };
    const cases: [Map<string, Uint8Array>, RegExp][] = [
      [edited(BUNDLE_FILES.manifest, (m) => (m.formatVersion = 2)), /format version 2 is not supported/],
      [edited(BUNDLE_FILES.manifest, (m) => m.labels.pop()), /do not fit the manifest/],
      [edited(BUNDLE_FILES.model, (m) => (m.weightsManifest[0].weights[0].shape[0] -= 1)), /do not fit the manifest/],
      [new Map([...files, [BUNDLE_FILES.weights, files.get(BUNDLE_FILES.weights)!.subarray(8)]]), /weights\.bin: .* bytes/],
      [edited(BUNDLE_FILES.lexical, (l) => l.inputs.pop()), /inputs/],
      [edited(BUNDLE_FILES.lexical, (l) => l.idf.pop()), /idf weights/],
      [new Map([...files].filter(([name]) => name !== BUNDLE_FILES.lexical)), /no lexical\.json/],
    ];
    for (const [bundle, message] of cases) {
      expect(() => readModelBundle(bundle)).toThrow(BundleError);
      expect(() => readModelBundle(bundle)).toThrow(message);
    }
  }, 60_000);
});

describe('featurize.js', () => {
  it('gives the same lexical rows as the trainer on real banking77 texts, unseen ones included', async () => {
    const rows = (await readBanking77('test')).slice(0, 400);
    const json = lexical.toJSON();
    const featurizer = createFeaturizer({ buckets: json.buckets, vocabulary: json.columns, idf: Array.from(Float32Array.from(json.idf)), inputs: [] });
    const sparse = lexical.transform(rows.map((r) => r.text));
    let worst = 0;
    rows.forEach((r, i) => {
      const mine = featurizer.lexicalRow(r.text);
      const start = sparse.indptr[i]!;
      const end = sparse.indptr[i + 1]!;
      expect(mine.size).toBe(end - start);
      for (let p = start; p < end; p += 1) worst = Math.max(worst, Math.abs((mine.get(sparse.indices[p]!) ?? Infinity) - sparse.values[p]!));
    });
    expect(worst).toBeLessThan(1e-6);
  });

  it('leaves character n-grams out as the trainer does for a words-only (long-document) model', async () => {
    const rows = (await readBanking77('test')).slice(0, 200);
    const words = fitLexical(rows.map((r) => r.text), { characters: false });
    const json = words.toJSON();
    const featurizer = createFeaturizer({ buckets: json.buckets, vocabulary: json.columns, idf: Array.from(Float32Array.from(json.idf)), inputs: [], characters: false });
    const sparse = words.transform(rows.map((r) => r.text));
    rows.slice(0, 50).forEach((r, i) => {
      const mine = featurizer.lexicalRow(r.text);
      expect(mine.size).toBe(sparse.indptr[i + 1]! - sparse.indptr[i]!);
      for (let p = sparse.indptr[i]!; p < sparse.indptr[i + 1]!; p += 1) expect(mine.get(sparse.indices[p]!)).toBeCloseTo(sparse.values[p]!, 6);
    });
  });
});
