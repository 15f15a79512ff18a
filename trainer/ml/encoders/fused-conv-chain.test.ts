import * as tf from '@tensorflow/tfjs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initTensorBackend } from '../backend.ts';
import { fileModelHandler } from './file-io.ts';
import { foldConvChain } from './fused-conv-chain.ts';
import { SHARED_IMAGE_MODEL_DIR } from './shared-datasets.ts';

beforeAll(async () => {
  await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
});

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });

/** Conv → BN → relu6, depthwise (×2) → BN → relu, conv with its own relu, pooling. */
function buildTinyChain(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [9, 9, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false, kernelInitializer: seeded(1) }),
      tf.layers.batchNormalization({ epsilon: 1e-3 }),
      tf.layers.activation({ activation: 'relu6' }),
      tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: 'valid', depthwiseInitializer: seeded(2), biasInitializer: 'ones' }),
      tf.layers.batchNormalization(),
      tf.layers.activation({ activation: 'relu' }),
      tf.layers.conv2d({ filters: 3, kernelSize: 1, activation: 'relu', kernelInitializer: seeded(3) }),
      tf.layers.globalAveragePooling2d({ name: 'pool' }),
    ],
  });
  // Non-trivial moving statistics, so the fold really changes the weights.
  model.layers.forEach((layer, index) => {
    if (layer.getClassName() !== 'BatchNormalization') return;
    const channels = layer.getWeights()[0]!.shape[0]!;
    const uniform = (low: number, high: number, seed: number) => tf.randomUniform([channels], low, high, 'float32', seed + index);
    // setWeights copies, so the tidy can free the random tensors.
    tf.tidy(() => layer.setWeights([uniform(0.5, 2, 10), uniform(-1, 1, 20), uniform(-1, 1, 30), uniform(0.1, 3, 40)]));
  });
  return model;
}

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]!);
}

describe('foldConvChain', () => {
  it('computes what the layers compute, relu6 clipping included', () => {
    const model = buildTinyChain();
    const chain = foldConvChain(model, 'pool');
    expect(chain).toBeDefined();
    const input = tf.randomUniform([2, 9, 9, 3], -20, 20, 'float32', 5) as tf.Tensor4D;
    const expected = model.predict(input) as tf.Tensor;
    const actual = chain!.apply(input);
    expect(actual.shape).toEqual([2, 3]);
    expect(maxAbsDifference(expected, actual)).toBeLessThan(1e-4);
    const before = tf.memory().numTensors;
    chain!.apply(input).dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([input, expected, actual]);
    chain!.dispose();
    model.dispose();
  });

  it('declines layers it cannot fold, and a different output layer', () => {
    const pooled = tf.sequential({
      layers: [
        tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 2, kernelSize: 3 }),
        tf.layers.maxPooling2d({ poolSize: 2 }),
        tf.layers.globalAveragePooling2d({ name: 'pool' }),
      ],
    });
    const before = tf.memory().numTensors;
    expect(foldConvChain(pooled, 'pool')).toBeUndefined();
    const tiny = buildTinyChain();
    expect(foldConvChain(tiny, 'not-there')).toBeUndefined();
    tiny.dispose();
    expect(tf.memory().numTensors).toBe(before);
    pooled.dispose();
  });

  it('matches the shared MobileNet up to its pooling layer', async () => {
    const full = await tf.loadLayersModel(fileModelHandler(path.join(SHARED_IMAGE_MODEL_DIR, 'model.json')));
    const layer = 'global_average_pooling2d_1';
    const truncated = tf.model({ inputs: full.inputs, outputs: full.getLayer(layer).output as tf.SymbolicTensor });
    const chain = foldConvChain(full, layer);
    expect(chain).toBeDefined();
    const input = tf.randomUniform([2, 224, 224, 3], -1, 1, 'float32', 7) as tf.Tensor4D;
    const expected = truncated.predict(input) as tf.Tensor;
    const actual = chain!.apply(input);
    expect(actual.shape).toEqual([2, 256]);
    expect(maxAbsDifference(expected, actual)).toBeLessThan(1e-3);
    tf.dispose([input, expected, actual]);
    chain!.dispose();
    full.dispose();
  });
});
