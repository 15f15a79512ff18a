/**
 * The HTTP process's encoder thread: embeds search queries (and, later, prediction inputs) so
 * encoder work never blocks the event loop. Encoders load on first use and stay loaded: a fixed
 * cost (the text encoder's 27 MB of weights, the image encoder's 2 MB), plus the wasm backend's
 * heap, which grows to the largest batch (at most 32 inputs, see embedder.ts) and stays there.
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { initTensorBackend } from '#trainer/ml/backend.ts';
import type { Encoder } from '#trainer/ml/encoders/encoder.ts';
import { ImageDecodeError } from '#trainer/ml/encoders/image-decode.ts';
import { IMAGE_ENCODER_NAME, loadImageEncoder } from '#trainer/ml/encoders/image-encoder.ts';
import { loadTextEncoder, TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import type { EmbedRequest, EmbedResponse } from './embedder.ts';

const config = workerData as { imageModelDir?: string; backend?: string };
/**
 * This thread runs a notch below the event loop (Linux gives each thread its own priority): when
 * the CPU is short, labeling, broadcasts and the HTTP side of predictions go first.
 */
const ENCODER_NICE = 5;
os.setPriority(0, Math.max(os.getPriority(0), ENCODER_NICE));
let ready: Promise<unknown> | undefined;
let text: Promise<Encoder<string>> | undefined;
let image: Promise<Encoder<Uint8Array>> | undefined;

async function embed(request: EmbedRequest): Promise<{ encoder: string; vectors: Float32Array[] }> {
  // The wasm backend in this thread; a GPU backend belongs to the trainer.
  ready ??= initTensorBackend({ override: config.backend ?? 'wasm', log: () => undefined });
  await ready;
  if (request.kind === 'text') {
    text ??= loadTextEncoder();
    return { encoder: TEXT_ENCODER_NAME, vectors: await (await text).embed(request.inputs as string[]) };
  }
  image ??= loadImageEncoder(config.imageModelDir ?? '').catch((error: unknown) => {
    image = undefined;
    throw error;
  });
  return { encoder: IMAGE_ENCODER_NAME, vectors: await (await image).embed(request.inputs as Uint8Array[]) };
}

parentPort!.on('message', (request: EmbedRequest) => {
  embed(request).then(
    ({ encoder, vectors }) => {
      const reply: EmbedResponse = { id: request.id, encoder, vectors };
      parentPort!.postMessage(reply, vectors.map((v) => v.buffer as ArrayBuffer));
    },
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      // Inputs that do not decode are the request's fault, not the encoder's: say which ones.
      const undecodable = error instanceof ImageDecodeError ? error.failures : undefined;
      parentPort!.postMessage({ id: request.id, error: message, undecodable } satisfies EmbedResponse);
    },
  );
});
