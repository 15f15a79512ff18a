/**
 * `npm run bench:fashion`: the image path on ../shared/datasets/fashion-mnist-test (10,000 28×28
 * grey images, 10 classes): images/s through PNG decoding + MobileNet v1 0.25, and 5-fold
 * cross-validated accuracy of the head on those embeddings (reference: MobileNet features + LR
 * 0.849, raw pixels 0.818). `--limit N` uses the first N images.
 */
import { initTensorBackend } from '../ml/backend.ts';
import { loadImageEncoder } from '../ml/encoders/image-encoder.ts';
import { encodeGreyPng, readFashionMnistTest, SHARED_IMAGE_MODEL_DIR } from '../ml/encoders/shared-datasets.ts';
import { crossValidatedProba } from '../ml/evaluate.ts';
import { computeMetrics } from '../ml/metrics.ts';

const limitArg = process.argv.indexOf('--limit');
const limit = limitArg > 0 ? Number(process.argv[limitArg + 1]) : Infinity;

const tensor = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
console.log(`backend: ${tensor.backend}`);
const data = await readFashionMnistTest();
const count = Math.min(limit, data.pixels.length);
const pngs = await Promise.all(data.pixels.slice(0, count).map((p) => encodeGreyPng(p, data.width, data.height)));
const labels = data.labels.slice(0, count);
const encoder = await loadImageEncoder(process.env.SIFT_IMAGE_MODEL_DIR ?? SHARED_IMAGE_MODEL_DIR);
const started = Date.now();
const vectors: Float32Array[] = [];
for (let i = 0; i < pngs.length; i += 256) {
  vectors.push(...(await encoder.embed(pngs.slice(i, i + 256))));
  console.error(`  ${vectors.length}/${pngs.length}`);
}
const seconds = (Date.now() - started) / 1000;
console.log(`images: ${count}`);
console.log(`images_per_s: ${(count / seconds).toFixed(1)}`);
const fitStarted = Date.now();
const oof = await crossValidatedProba({ dense: vectors }, labels, 10, { kind: 'softmax', folds: 5, seed: 1 });
const metrics = computeMetrics(labels, oof, 10);
console.log(`cv5_accuracy: ${metrics.accuracy.toFixed(3)}`);
console.log(`cv5_macro_f1: ${metrics.macroF1.toFixed(3)}`);
console.log(`cv5_s: ${((Date.now() - fitStarted) / 1000).toFixed(1)}`);
encoder.dispose();
