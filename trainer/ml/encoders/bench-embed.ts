/**
 * Benchmarks the encoders: `node --import tsx trainer/ml/encoders/bench-embed.ts`.
 * Prints plain `key: value` lines: text throughput in one process and in two processes at once
 * (how a 2-core trainer would run), and image throughput including decoding. Honours
 * SIFT_TF_BACKEND, SIFT_SHARED_DIR and SIFT_IMAGE_MODEL_DIR. Model loading is timed separately.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { initTensorBackend } from '../backend.ts';
import { loadImageEncoder } from './image-encoder.ts';
import { encodeGreyPng, readBanking77, readFashionMnistTest, SHARED_IMAGE_MODEL_DIR } from './shared-datasets.ts';
import { loadTextEncoder } from './text-encoder.ts';

const TEXT_COUNT = 1000;
const IMAGE_COUNT = 500;
const CHILD_COUNT = 2;
const CHILD_FLAG = '--child';

type Child = ChildProcessByStdio<Writable, Readable, null>;

async function initBackend(): Promise<string> {
  const status = await initTensorBackend({ override: process.env.SIFT_TF_BACKEND, log: () => undefined });
  return status.detail ? `${status.backend} (${status.detail})` : status.backend;
}

async function readTexts(start: number, count: number): Promise<string[]> {
  const rows = await readBanking77('train');
  return rows.slice(start, start + count).map((row) => row.text);
}

/** Runs `work` once and returns its items per second. */
async function measureRate(count: number, work: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await work();
  return count / ((performance.now() - start) / 1000);
}

async function measureText(): Promise<void> {
  const texts = await readTexts(0, TEXT_COUNT);
  const loadStart = performance.now();
  const encoder = await loadTextEncoder();
  console.log(`text_load_ms: ${Math.round(performance.now() - loadStart)}`);
  await encoder.embed(texts.slice(0, 32)); // first-call kernel setup is not throughput
  const rate = await measureRate(texts.length, () => encoder.embed(texts));
  console.log(`text_per_s: ${rate.toFixed(1)}`);
  encoder.dispose();
}

async function measureImages(): Promise<void> {
  const mnist = await readFashionMnistTest();
  const images = await Promise.all(
    mnist.pixels.slice(0, IMAGE_COUNT).map((pixels) => encodeGreyPng(pixels, mnist.width, mnist.height)),
  );
  const loadStart = performance.now();
  const encoder = await loadImageEncoder(SHARED_IMAGE_MODEL_DIR);
  console.log(`image_load_ms: ${Math.round(performance.now() - loadStart)}`);
  await encoder.embed(images.slice(0, 16));
  const rate = await measureRate(images.length, () => encoder.embed(images));
  console.log(`images_per_s: ${rate.toFixed(1)}`);
  encoder.dispose();
}

/** Starts a child that loads the text encoder, says `ready`, then embeds its share on `go`. */
function spawnTextChild(start: number, count: number): Child {
  const script = fileURLToPath(import.meta.url);
  return spawn(process.execPath, [...process.execArgv, script, CHILD_FLAG, String(start), String(count)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

async function waitForLine(child: Child, prefix: string): Promise<string> {
  const lines = createInterface({ input: child.stdout });
  const exited = once(child, 'close').then(([code]) => {
    throw new Error(`benchmark child exited with code ${String(code)} before printing '${prefix}'`);
  });
  const found = (async () => {
    for await (const line of lines) if (line.startsWith(prefix)) return line;
    throw new Error(`benchmark child closed its output before printing '${prefix}'`);
  })();
  try {
    return await Promise.race([found, exited]);
  } finally {
    lines.close();
    exited.catch(() => undefined);
  }
}

/** Both children load first; the clock runs only from `go` until both have finished. */
async function measureTextInParallel(): Promise<void> {
  const share = TEXT_COUNT / CHILD_COUNT;
  const children = Array.from({ length: CHILD_COUNT }, (_, i) => spawnTextChild(i * share, share));
  await Promise.all(children.map((child) => waitForLine(child, 'ready')));
  const start = performance.now();
  const done = children.map((child) => waitForLine(child, 'done'));
  for (const child of children) child.stdin.end('go\n');
  const reports = await Promise.all(done);
  const seconds = (performance.now() - start) / 1000;
  console.log(`text_per_s_${CHILD_COUNT}proc: ${(TEXT_COUNT / seconds).toFixed(1)}`);
  console.log(`text_per_s_per_child: ${reports.map((line) => line.split(' ')[1]).join(', ')}`);
}

async function runChild(start: number, count: number): Promise<void> {
  await initBackend();
  const texts = await readTexts(start, count);
  const encoder = await loadTextEncoder();
  await encoder.embed(texts.slice(0, 32));
  const input = createInterface({ input: process.stdin });
  console.log('ready');
  await once(input, 'line');
  input.close();
  const rate = await measureRate(texts.length, () => encoder.embed(texts));
  console.log(`done ${rate.toFixed(1)}`);
  encoder.dispose();
}

async function runBenchmark(): Promise<void> {
  console.log(`backend: ${await initBackend()}`);
  console.log(`cpus: ${(await import('node:os')).availableParallelism()}`);
  await measureText();
  await measureImages();
  await measureTextInParallel();
}

if (process.argv[2] === CHILD_FLAG) {
  await runChild(Number(process.argv[3]), Number(process.argv[4]));
} else {
  await runBenchmark();
}
