/**
 * A head as a TensorFlow.js layers model over one input vector, [embedding | lexical inputs], and
 * back. The softmax head is one dense layer; the mlp head's hidden layer sees only the embedding,
 * so its model crops the input into the two parts with standard layers (Reshape, Cropping2D,
 * Flatten) and adds the two logit terms. The temperature is folded into the output layer(s).
 */
import * as tf from '@tensorflow/tfjs';
import { FittedHead } from '../head-model.ts';
import { layOut, type HeadShape, type Segment } from '../head-layout.ts';
import type { LexicalModel } from '../lexical.ts';
import { LAYER_NAMES } from './bundle-format.ts';

export interface NamedWeight {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** The weights a model of `shape` carries, in save order, with their shapes. */
export function expectedWeights(shape: HeadShape): { name: string; shape: number[] }[] {
  const { kind, numClasses: k, denseDims: e, lexicalDims: l, hidden: h } = shape;
  const { logits, hidden, denseLogits, lexicalLogits } = LAYER_NAMES;
  if (kind === 'softmax') return [{ name: `${logits}/kernel`, shape: [e + l, k] }, { name: `${logits}/bias`, shape: [k] }];
  const first = [{ name: `${hidden}/kernel`, shape: [e, h] }, { name: `${hidden}/bias`, shape: [h] }];
  if (l === 0) return [...first, { name: `${logits}/kernel`, shape: [h, k] }, { name: `${logits}/bias`, shape: [k] }];
  return [...first, { name: `${denseLogits}/kernel`, shape: [h, k] }, { name: `${lexicalLogits}/kernel`, shape: [l, k] }, { name: `${lexicalLogits}/bias`, shape: [k] }];
}

/** Reads `rows` × `columns` of a row-major block whose rows are `stride` apart, times `scale`. */
function readBlock(params: Float32Array, segment: Segment, rows: number, columns: number, stride: number, scale: number): Float32Array {
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < columns; c += 1) out[r * columns + c] = params[segment.offset + r * stride + c]! * scale;
  return out;
}

function writeBlock(params: Float32Array, segment: Segment, values: Float32Array, rows: number, columns: number, stride: number, scale: number): void {
  for (let r = 0; r < rows; r += 1) for (let c = 0; c < columns; c += 1) params[segment.offset + r * stride + c] = values[r * columns + c]! * scale;
}

/** The head's parameters as the model's weights, temperature folded into the output layer(s). */
export function headWeights(head: FittedHead): NamedWeight[] {
  const { shape, params, inverseTemperature: s } = head.state;
  const { width, lexical, w1, b1, w2, bias } = head.layout;
  const { numClasses: k, denseDims: e, lexicalDims: l, hidden: h } = shape;
  const lexicalKernel = readBlock(params, lexical, l, k, width, s);
  const outputBias = readBlock(params, bias, 1, k, width, s);
  let values: Float32Array[];
  if (shape.kind === 'softmax') {
    const kernel = new Float32Array((e + l) * k);
    kernel.set(readBlock(params, w1, e, k, width, s));
    kernel.set(lexicalKernel, e * k);
    values = [kernel, outputBias];
  } else {
    const first = [readBlock(params, w1, e, h, h, 1), readBlock(params, b1, 1, h, h, 1)];
    const second = readBlock(params, w2, h, k, width, s);
    values = l === 0 ? [...first, second, outputBias] : [...first, second, lexicalKernel, outputBias];
  }
  return expectedWeights(shape).map((spec, i) => ({ ...spec, values: values[i]! }));
}

/** Rebuilds a head from model weights (as {@link headWeights} wrote them). */
export function headFromWeights(
  weights: Map<string, Float32Array>,
  state: { shape: HeadShape; inverseTemperature: number; l2: number; trainedOn: number; columns: Uint32Array; lexical?: LexicalModel },
): FittedHead {
  const { shape, inverseTemperature } = state;
  const layout = layOut(shape);
  const params = new Float32Array(layout.size);
  const unfold = 1 / inverseTemperature;
  const { numClasses: k, denseDims: e, lexicalDims: l, hidden: h } = shape;
  const get = (name: string) => weights.get(name)!;
  const { logits, hidden, denseLogits, lexicalLogits } = LAYER_NAMES;
  if (shape.kind === 'softmax') {
    const kernel = get(`${logits}/kernel`);
    writeBlock(params, layout.w1, kernel.subarray(0, e * k), e, k, layout.width, unfold);
    writeBlock(params, layout.lexical, kernel.subarray(e * k), l, k, layout.width, unfold);
    writeBlock(params, layout.bias, get(`${logits}/bias`), 1, k, layout.width, unfold);
  } else {
    writeBlock(params, layout.w1, get(`${hidden}/kernel`), e, h, h, 1);
    writeBlock(params, layout.b1, get(`${hidden}/bias`), 1, h, h, 1);
    const output = l === 0 ? logits : lexicalLogits;
    writeBlock(params, layout.w2, get(`${l === 0 ? logits : denseLogits}/kernel`), h, k, layout.width, unfold);
    if (l > 0) writeBlock(params, layout.lexical, get(`${lexicalLogits}/kernel`), l, k, layout.width, unfold);
    writeBlock(params, layout.bias, get(`${output}/bias`), 1, k, layout.width, unfold);
  }
  return new FittedHead({ ...state, params });
}

/** The layers model computing calibrated probabilities from [embedding | lexical inputs]. */
export function buildLayersModel(shape: HeadShape): tf.LayersModel {
  const { kind, numClasses: k, denseDims: e, lexicalDims: l, hidden: h } = shape;
  const { logits, hidden, denseLogits, lexicalLogits } = LAYER_NAMES;
  const softmax = () => tf.layers.activation({ activation: 'softmax', name: 'probabilities' });
  if (kind === 'softmax' || l === 0) {
    const layers: tf.layers.Layer[] = kind === 'mlp' ? [tf.layers.dense({ inputShape: [e], units: h, activation: 'relu', name: hidden })] : [];
    layers.push(tf.layers.dense({ ...(layers.length ? {} : { inputShape: [e + l] }), units: k, name: logits }), softmax());
    return tf.sequential({ name: 'sift_head', layers });
  }
  const input = tf.input({ shape: [e + l], name: 'features' });
  const grid = tf.layers.reshape({ targetShape: [e + l, 1, 1], name: 'as_column' }).apply(input);
  const part = (name: string, cropping: [number, number]) =>
    tf.layers.flatten({ name }).apply(tf.layers.cropping2D({ cropping: [cropping, [0, 0]], name: `crop_${name}` }).apply(grid)) as tf.SymbolicTensor;
  const denseTerm = tf.layers.dense({ units: k, useBias: false, name: denseLogits }).apply(
    tf.layers.dense({ units: h, activation: 'relu', name: hidden }).apply(part('embedding', [0, l])),
  ) as tf.SymbolicTensor;
  const lexicalTerm = tf.layers.dense({ units: k, name: lexicalLogits }).apply(part('lexical', [e, 0])) as tf.SymbolicTensor;
  const sum = tf.layers.add({ name: logits }).apply([denseTerm, lexicalTerm]);
  return tf.model({ name: 'sift_head', inputs: input, outputs: softmax().apply(sum) as tf.SymbolicTensor });
}

/** `model.json` and `weights.bin` of the head as a TF.js layers model. */
export async function saveHeadModel(head: FittedHead): Promise<{ modelJson: string; weightsBin: Uint8Array }> {
  const model = buildLayersModel(head.state.shape);
  try {
    const byName = new Map(headWeights(head).map((w) => [w.name, w]));
    // By name, not position: the model lists its weights in its own (topological) order.
    const tensors = model.weights.map((variable) => {
      const weight = byName.get(variable.originalName);
      if (!weight) throw new Error(`no value for model weight ${variable.originalName}`);
      return tf.tensor(weight.values, weight.shape);
    });
    model.setWeights(tensors);
    tf.dispose(tensors);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const data = saved!.weightData as ArrayBuffer;
    const modelJson = {
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
      convertedBy: 'Sift model export',
      modelTopology: saved!.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: saved!.weightSpecs }],
    };
    return { modelJson: JSON.stringify(modelJson), weightsBin: new Uint8Array(data) };
  } finally {
    model.dispose();
  }
}
