/**
 * Benchmarks the selected tensor backend: `node --import tsx trainer/ml/bench-backend.ts`.
 * Honours SIFT_TF_BACKEND and prints plain `key: value` lines so runs can be diffed or grepped.
 */
import * as tf from '@tensorflow/tfjs';
import { initTensorBackend } from './backend.ts';

const SECONDS_PER_MEASURE = 3;
const MATMUL_SIZE = 1024;
const HEAD_ROWS = 10_000;
const HEAD_FEATURES = 512;
const HEAD_CLASSES = 77;

/** Repeats `step` (after one warm-up) until the time budget is spent; returns steps per second. */
async function measureRate(step: () => Promise<void>): Promise<number> {
  await step();
  const budgetMs = SECONDS_PER_MEASURE * 1000;
  const start = performance.now();
  let steps = 0;
  while (performance.now() - start < budgetMs) {
    await step();
    steps += 1;
  }
  return steps / ((performance.now() - start) / 1000);
}

async function measureMatmulGflops(): Promise<number> {
  const a = tf.randomNormal([MATMUL_SIZE, MATMUL_SIZE], 0, 1, 'float32', 1);
  const b = tf.randomNormal([MATMUL_SIZE, MATMUL_SIZE], 0, 1, 'float32', 2);
  // Reading one element back forces async (GPU) backends to finish the product inside the timing.
  const rate = await measureRate(async () => {
    const product = tf.matMul(a, b);
    await product.slice([0, 0], [1, 1]).data();
    tf.dispose(product);
  });
  tf.dispose([a, b]);
  return (rate * 2 * MATMUL_SIZE ** 3) / 1e9;
}

async function measureHeadStepsPerSecond(): Promise<number> {
  const features = tf.randomNormal([HEAD_ROWS, HEAD_FEATURES], 0, 1, 'float32', 3);
  const labels = tf.tidy(() =>
    tf.oneHot(tf.randomUniform([HEAD_ROWS], 0, HEAD_CLASSES, 'int32', 4) as tf.Tensor1D, HEAD_CLASSES),
  );
  const weights = tf.variable(tf.randomNormal([HEAD_FEATURES, HEAD_CLASSES], 0, 0.01, 'float32', 5));
  const bias = tf.variable(tf.zeros([HEAD_CLASSES]));
  const optimizer = tf.train.adam(1e-3);
  const rate = await measureRate(async () => {
    const loss = optimizer.minimize(
      () => tf.losses.softmaxCrossEntropy(labels, features.matMul(weights).add(bias)) as tf.Scalar,
      true,
    );
    await loss?.data();
    tf.dispose(loss ?? []);
  });
  optimizer.dispose();
  tf.dispose([features, labels, weights, bias]);
  return rate;
}

async function runBenchmark(): Promise<void> {
  const status = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => {} });
  console.log(`backend: ${status.backend}`);
  if (status.detail) console.log(`backend_detail: ${status.detail}`);
  console.log(`gpu: ${status.gpu}`);
  for (const attempt of status.tried.filter((t) => !t.ok)) console.log(`skipped_${attempt.backend}: ${attempt.reason}`);
  console.log(`matmul_gflops: ${(await measureMatmulGflops()).toFixed(1)}`);
  console.log(`head_steps_per_s: ${(await measureHeadStepsPerSecond()).toFixed(2)}`);
}

await runBenchmark();
// Dawn keeps Node alive while navigator.gpu holds its instance, so end explicitly once done.
process.exit(0);
