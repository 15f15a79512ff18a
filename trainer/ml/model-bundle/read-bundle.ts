/**
 * Reads an export bundle back into a head, checking every file against the manifest: format
 * version, weight names and shapes, byte counts, finite values, and the lexical vocabulary.
 */
import type { z } from 'zod';
import type { HeadShape } from '../head-layout.ts';
import { lexicalFromJSON } from '../lexical.ts';
import type { FittedHead } from '../head-model.ts';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, BundleManifest, LayersModelFile, LexicalFile } from './bundle-format.ts';
import { expectedWeights, headFromWeights } from './head-layers.ts';

/** A bundle that is not a valid export; the message names the file and the problem. */
export class BundleError extends Error {
  override readonly name = 'BundleError';
}

export interface ReadBundle {
  manifest: BundleManifest;
  head: FittedHead;
  /** Label name of each output, in the head's class order. */
  labelNames: string[];
}

/** Parses and checks a bundle's files (name → bytes) and rebuilds its head. */
export function readModelBundle(files: Map<string, Uint8Array>): ReadBundle {
  const manifestJson = parseJson(files, BUNDLE_FILES.manifest) as { format?: unknown; formatVersion?: unknown };
  if (manifestJson?.format !== BUNDLE_FORMAT) throw new BundleError(`${BUNDLE_FILES.manifest}: not a Sift model export (format is not "${BUNDLE_FORMAT}")`);
  if (manifestJson.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new BundleError(`${BUNDLE_FILES.manifest}: format version ${String(manifestJson.formatVersion)} is not supported (this Sift reads version ${BUNDLE_FORMAT_VERSION})`);
  }
  const manifest = check(BundleManifest, manifestJson, BUNDLE_FILES.manifest);
  const labelNames = manifest.labels.map((label, k) => {
    if (label.index !== k) throw new BundleError(`${BUNDLE_FILES.manifest}: labels must be listed in output order (index ${label.index} at position ${k})`);
    return label.name;
  });
  if (new Set(labelNames).size !== labelNames.length) throw new BundleError(`${BUNDLE_FILES.manifest}: a label name appears twice`);
  const { input, head: headInfo } = manifest;
  if (input.dims !== input.embeddingDims + input.lexicalDims) throw new BundleError(`${BUNDLE_FILES.manifest}: input.dims is not embeddingDims + lexicalDims`);
  if (input.embeddingDims !== manifest.encoder.dims) throw new BundleError(`${BUNDLE_FILES.manifest}: input.embeddingDims differs from the encoder's dims`);
  if ((headInfo.kind === 'mlp') !== headInfo.hidden > 0) throw new BundleError(`${BUNDLE_FILES.manifest}: head.hidden must be positive exactly for the mlp kind`);
  const shape: HeadShape = { kind: headInfo.kind, numClasses: labelNames.length, denseDims: input.embeddingDims, lexicalDims: input.lexicalDims, hidden: headInfo.hidden };
  const weights = readWeights(files, shape);
  const lexical = readLexical(files, manifest, input.lexicalDims);
  return {
    manifest,
    labelNames,
    head: headFromWeights(weights, { shape, inverseTemperature: headInfo.inverseTemperature, l2: headInfo.l2, trainedOn: headInfo.trainedOn, ...lexical }),
  };
}

function fileOf(files: Map<string, Uint8Array>, name: string): Uint8Array {
  const data = files.get(name);
  if (!data) throw new BundleError(`the zip has no ${name}`);
  return data;
}

function parseJson(files: Map<string, Uint8Array>, name: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(fileOf(files, name)));
  } catch (error) {
    if (error instanceof BundleError) throw error;
    throw new BundleError(`${name}: not valid JSON`);
  }
}

function check<T extends z.ZodTypeAny>(schema: T, value: unknown, name: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new BundleError(`${name}: ${issue.path.join('.') || 'file'}: ${issue.message}`);
}

/** The weights of `weights.bin` by name, checked against the shapes the manifest implies. */
function readWeights(files: Map<string, Uint8Array>, shape: HeadShape): Map<string, Float32Array> {
  const model = check(LayersModelFile, parseJson(files, BUNDLE_FILES.model), BUNDLE_FILES.model);
  const specs = model.weightsManifest[0]!.weights;
  const expected = expectedWeights(shape);
  const describe = (list: { name: string; shape: number[] }[]) => list.map((w) => `${w.name} [${w.shape.join(', ')}]`).sort().join(', ');
  if (describe(specs) !== describe(expected)) {
    throw new BundleError(`${BUNDLE_FILES.model}: weights ${describe(specs)} do not fit the manifest (expected ${describe(expected)})`);
  }
  const bin = fileOf(files, BUNDLE_FILES.weights);
  const total = specs.reduce((sum, w) => sum + w.shape.reduce((n, d) => n * d, 1) * 4, 0);
  if (bin.byteLength !== total) throw new BundleError(`${BUNDLE_FILES.weights}: ${bin.byteLength} bytes, the manifest of ${BUNDLE_FILES.model} needs ${total}`);
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const out = new Map<string, Float32Array>();
  let offset = 0;
  for (const spec of specs) {
    const values = new Float32Array(spec.shape.reduce((n, d) => n * d, 1));
    for (let i = 0; i < values.length; i += 1, offset += 4) values[i] = view.getFloat32(offset, true);
    if (!values.every(Number.isFinite)) throw new BundleError(`${BUNDLE_FILES.weights}: ${spec.name} holds a value that is not a finite number`);
    out.set(spec.name, values);
  }
  return out;
}

/** The lexical model and the head's columns, when the head has a lexical channel. */
function readLexical(files: Map<string, Uint8Array>, manifest: BundleManifest, lexicalDims: number) {
  if (!manifest.lexical) {
    if (lexicalDims > 0) throw new BundleError(`${BUNDLE_FILES.manifest}: lexicalDims is ${lexicalDims} but there is no lexical channel`);
    return { columns: new Uint32Array(0), lexical: undefined };
  }
  const file = check(LexicalFile, parseJson(files, BUNDLE_FILES.lexical), BUNDLE_FILES.lexical);
  const name = BUNDLE_FILES.lexical;
  if (file.buckets !== manifest.lexical.buckets) throw new BundleError(`${name}: buckets differ from ${BUNDLE_FILES.manifest}`);
  if (file.idf.length !== file.vocabulary.length) throw new BundleError(`${name}: ${file.idf.length} idf weights for ${file.vocabulary.length} vocabulary entries`);
  if (!ascending(file.vocabulary) || (file.vocabulary.at(-1) ?? 0) >= file.buckets) throw new BundleError(`${name}: vocabulary must be ascending buckets below ${file.buckets}`);
  if (file.inputs.length !== lexicalDims) throw new BundleError(`${name}: ${file.inputs.length} inputs, the model takes ${lexicalDims}`);
  if (!ascending(file.inputs) || (file.inputs.at(-1) ?? 0) >= Math.max(1, file.vocabulary.length)) throw new BundleError(`${name}: inputs must be ascending vocabulary indices`);
  if ((file.characters !== false) !== (manifest.lexical.charNgrams !== null)) throw new BundleError(`${name}: characters disagrees with charNgrams in ${BUNDLE_FILES.manifest}`);
  const lexical = lexicalFromJSON({ version: 1, buckets: file.buckets, minDf: manifest.lexical.minDf, documents: manifest.lexical.documents, columns: file.vocabulary, idf: file.idf, characters: file.characters !== false });
  return { columns: Uint32Array.from(file.inputs), lexical };
}

function ascending(values: number[]): boolean {
  return values.every((v, i) => i === 0 || v > values[i - 1]!);
}
