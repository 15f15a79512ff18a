/**
 * Embeds inputs in the HTTP process without blocking its event loop: one worker thread holds the
 * encoders (started on first use, restarted if it dies). Used by search; the prediction API will
 * batch through it too.
 */
import { Worker } from 'node:worker_threads';
import { AppError } from '../errors.ts';

export type EmbedRequest = { id: number; kind: 'text'; inputs: string[] } | { id: number; kind: 'image'; inputs: Uint8Array[] };
export type EmbedResponse = { id: number; encoder: string; vectors: Float32Array[] } | { id: number; error: string };

export interface Embedder {
  embed(kind: 'text', inputs: string[]): Promise<{ encoder: string; vectors: Float32Array[] }>;
  embed(kind: 'image', inputs: Uint8Array[]): Promise<{ encoder: string; vectors: Float32Array[] }>;
  close(): Promise<void>;
}

/**
 * The worker's entry is TypeScript: register tsx's loader inside the worker first (a worker does
 * not inherit the loader the main thread was started with), then import it.
 */
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./embed.worker.ts', import.meta.url).href)}); })`;

/** First use loads the model (seconds); after that an embedding takes milliseconds. */
const TIMEOUT_MS = 120_000;

export function createEmbedder(config: { imageModelDir?: string }): Embedder {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: { encoder: string; vectors: Float32Array[] }) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  const failAll = (error: Error) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(error);
      pending.delete(id);
    }
  };
  const start = () => {
    const started = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: { imageModelDir: config.imageModelDir } });
    started.on('message', (reply: EmbedResponse) => {
      const waiting = pending.get(reply.id);
      if (!waiting) return;
      pending.delete(reply.id);
      clearTimeout(waiting.timer);
      if ('error' in reply) waiting.reject(new AppError('UNAVAILABLE', `embedding failed: ${reply.error}`));
      else waiting.resolve({ encoder: reply.encoder, vectors: reply.vectors });
    });
    started.on('error', (error) => failAll(new AppError('UNAVAILABLE', `the encoder thread failed: ${error.message}`)));
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll(new AppError('UNAVAILABLE', 'the encoder thread stopped'));
    });
    // An idle encoder thread must not keep the process alive.
    started.unref();
    return started;
  };
  const embed = (kind: 'text' | 'image', inputs: (string | Uint8Array)[]) =>
    new Promise<{ encoder: string; vectors: Float32Array[] }>((resolve, reject) => {
      worker ??= start();
      const id = nextId++;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new AppError('UNAVAILABLE', 'embedding timed out'));
      }, TIMEOUT_MS);
      pending.set(id, { resolve, reject, timer });
      worker.postMessage({ id, kind, inputs });
    });
  return {
    embed: embed as Embedder['embed'],
    async close() {
      const running = worker;
      worker = undefined;
      failAll(new AppError('UNAVAILABLE', 'the server is shutting down'));
      await running?.terminate();
    },
  };
}
