/**
 * Readers for the labeled datasets in the workspace's `shared/datasets` folder (beside the
 * repository, never copied into it), used by the encoder tests and `bench-embed.ts`.
 */
import { parse } from 'csv-parse/sync';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import sharp from 'sharp';

/** `../shared` next to the repository root; SIFT_SHARED_DIR overrides it. */
export const SHARED_DIR = process.env.SIFT_SHARED_DIR ?? fileURLToPath(new URL('../../../../shared/', import.meta.url));

/** Where the test suite and benchmark find MobileNet; SIFT_IMAGE_MODEL_DIR overrides it. */
export const SHARED_IMAGE_MODEL_DIR =
  process.env.SIFT_IMAGE_MODEL_DIR ?? `${SHARED_DIR}models/mobilenet-v1-0.25-224`;

/** One banking77 row: a customer message and its intent. */
export interface Banking77Row {
  text: string;
  category: string;
}

/** Reads banking77's `train.csv` or `test.csv` (columns `text,category`). */
export async function readBanking77(split: 'train' | 'test'): Promise<Banking77Row[]> {
  const csv = await readFile(`${SHARED_DIR}datasets/banking77/${split}.csv`, 'utf8');
  return parse(csv, { columns: true, skip_empty_lines: true }) as Banking77Row[];
}

/** Grey 28x28 images (row-major bytes) and their labels 0..9. */
export interface GreyImages {
  width: number;
  height: number;
  pixels: Uint8Array[];
  labels: number[];
}

const IDX_IMAGES_MAGIC = 0x0803;
const IDX_LABELS_MAGIC = 0x0801;

/** Reads the Fashion-MNIST test set from its gzipped IDX files. */
export async function readFashionMnistTest(): Promise<GreyImages> {
  const dir = `${SHARED_DIR}datasets/fashion-mnist-test/`;
  const [imageFile, labelFile] = await Promise.all([
    readFile(`${dir}t10k-images-idx3-ubyte.gz`),
    readFile(`${dir}t10k-labels-idx1-ubyte.gz`),
  ]);
  const images = gunzipSync(imageFile);
  const labels = gunzipSync(labelFile);
  // IDX: big-endian int32 magic, then one int32 per dimension, then the bytes.
  if (images.readInt32BE(0) !== IDX_IMAGES_MAGIC || labels.readInt32BE(0) !== IDX_LABELS_MAGIC) {
    throw new Error(`${dir} does not hold IDX image/label files`);
  }
  const count = images.readInt32BE(4);
  const height = images.readInt32BE(8);
  const width = images.readInt32BE(12);
  const size = width * height;
  const pixels = Array.from({ length: count }, (_, i) => images.subarray(16 + i * size, 16 + (i + 1) * size));
  return { width, height, pixels, labels: Array.from(labels.subarray(8, 8 + count)) };
}

/** Indices of the first `perClass` items of each label, grouped by label in ascending order. */
export function pickPerClass(labels: readonly number[], perClass: number): number[] {
  const picked = new Map<number, number[]>();
  labels.forEach((label, index) => {
    const group = picked.get(label) ?? [];
    if (group.length < perClass) group.push(index);
    picked.set(label, group);
  });
  return [...picked.keys()].sort((a, b) => a - b).flatMap((label) => picked.get(label)!);
}

/** Encodes grey pixels as a single-channel PNG, like a scanned or greyscale upload. */
export async function encodeGreyPng(pixels: Uint8Array, width: number, height: number): Promise<Uint8Array> {
  return sharp(pixels, { raw: { width, height, channels: 1 } }).toColourspace('b-w').png().toBuffer();
}
