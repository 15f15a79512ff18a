/**
 * The files of an exported model version (a "bundle") and the schema of its manifest,
 * `sift-model.json`. Export writes them (build-bundle.ts); import reads them back (read-bundle.ts).
 */
import { z } from 'zod';

/** Bump when a reader of the previous format could not read the new one. */
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_FORMAT = 'sift-model';

export const BUNDLE_FILES = {
  manifest: 'sift-model.json',
  model: 'model.json',
  weights: 'weights.bin',
  lexical: 'lexical.json',
  featurizer: 'featurize.js',
  readme: 'README.md',
} as const;

/** Largest hash space a bundle may declare: the reader allocates one int per bucket. */
export const MAX_BUCKETS = 1 << 22;

/** Counts are stored in PostgreSQL `integer` columns (a version's labelCount): at most 2^31 - 1. */
const Count = z.number().int().nonnegative().max(2_147_483_647);

export const BundleLabel = z.object({ index: Count, name: z.string().min(1).max(200) });

export const BundleManifest = z.object({
  format: z.literal(BUNDLE_FORMAT),
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  sift: z.object({ version: z.string() }),
  source: z.object({ project: z.string(), dataType: z.enum(['text', 'image']), modelVersion: Count, createdAt: z.string(), labelCount: Count }),
  /** Output order of the model: probability k is label `labels[k]`. */
  labels: z.array(BundleLabel).min(2).max(10_000),
  encoder: z.object({ name: z.string(), version: z.string(), dims: z.number().int().positive().max(65_536), normalization: z.literal('l2'), howToLoad: z.string() }),
  head: z.object({
    kind: z.enum(['softmax', 'mlp']),
    hidden: Count.max(65_536),
    /** Logits were multiplied by this (1/temperature) before the softmax; the weights have it folded in. */
    inverseTemperature: z.number().positive().finite(),
    temperatureFolded: z.literal(true),
    l2: z.number().nonnegative().finite(),
    trainedOn: Count,
    output: z.literal('probabilities'),
  }),
  input: z.object({
    dims: z.number().int().positive(),
    embeddingDims: z.number().int().positive(),
    lexicalDims: Count,
    order: z.tuple([z.literal('embedding'), z.literal('lexical')]),
  }),
  lexical: z
    .object({
      file: z.literal(BUNDLE_FILES.lexical),
      featurizer: z.literal(BUNDLE_FILES.featurizer),
      buckets: z.number().int().min(16).max(MAX_BUCKETS),
      minDf: Count,
      documents: Count,
      vocabularySize: Count,
      normalization: z.string(),
      hashing: z.string(),
      wordNgrams: z.tuple([z.literal(1), z.literal(2)]),
      /** null: the model uses words alone (long documents; see lexical.ts). */
      charNgrams: z.tuple([z.literal(2), z.literal(5)]).nullable(),
      charNgramScope: z.literal('within-words'),
      weighting: z.string(),
    })
    .nullable(),
  metrics: z.record(z.unknown()),
});
export type BundleManifest = z.infer<typeof BundleManifest>;

/** `lexical.json`: the lexical model's vocabulary and which of its entries the head reads. */
export const LexicalFile = z.object({
  buckets: z.number().int().min(16).max(MAX_BUCKETS),
  /** Hash buckets kept (ascending); vocabulary index k is bucket vocabulary[k]. */
  vocabulary: z.array(Count),
  idf: z.array(z.number().finite().positive()),
  /** Vocabulary index of each lexical input of the model, ascending. */
  inputs: z.array(Count),
  /** false: no character n-grams (absent: true, as in bundles made before the choice existed). */
  characters: z.boolean().optional(),
});
export type LexicalFile = z.infer<typeof LexicalFile>;

/** `model.json` as far as import reads it: a TF.js layers model with one weights file. */
export const LayersModelFile = z.object({
  format: z.literal('layers-model'),
  modelTopology: z.object({ class_name: z.enum(['Sequential', 'Model']) }).passthrough(),
  weightsManifest: z
    .array(
      z.object({
        paths: z.tuple([z.literal(BUNDLE_FILES.weights)]),
        weights: z.array(z.object({ name: z.string(), shape: z.array(Count).max(2), dtype: z.literal('float32') }).strict()).max(16),
      }),
    )
    .length(1),
});
export type LayersModelFile = z.infer<typeof LayersModelFile>;

/** Names of the model's layers whose weights the bundle carries. */
export const LAYER_NAMES = { logits: 'logits', hidden: 'hidden', denseLogits: 'dense_logits', lexicalLogits: 'lexical_logits' } as const;
