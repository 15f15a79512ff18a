/**
 * Embeds inputs in the HTTP process without blocking its event loop: one worker thread holds the
 * encoders (started on first use, restarted if it dies). Concurrent requests are micro-batched:
 * while a batch runs in the worker, new inputs queue up and go together as the next batch (up to
 * MAX_BATCH), so a busy server encodes in batches (the encoder's throughput) and an idle one sends a
 * lone input at once, after only the inputs of the same event-loop turn (its latency). Identical
 * inputs hit an in-memory cache.
 */
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { UndecodableImage } from '#trainer/ml/encoders/image-decode.ts';
import { IMAGE_ENCODER_NAME } from '#trainer/ml/encoders/image-encoder.ts';
import { TEXT_ENCODER_NAME } from '#trainer/ml/encoders/text-encoder.ts';
import { AppError } from '../errors.ts';

export type EmbedRequest = { id: number; kind: 'text'; inputs: string[] } | { id: number; kind: 'image'; inputs: Uint8Array[] };
/** `undecodable`: the inputs (by position in the request) that are not decodable images. */
export type EmbedResponse = { id: number; encoder: string; vectors: Float32Array[] } | { id: number; error: string; undecodable?: UndecodableImage[] };

/**
 * Inputs of one `embed` call that are not decodable images (truncated, corrupt), by position in
 * that call: the caller's fault, so INVALID (400), never UNAVAILABLE. Callers name the inputs in
 * their own terms with {@link UndecodableImageError.describe}.
 */
export class UndecodableImageError extends AppError {
  constructor(readonly inputs: UndecodableImage[]) {
    super('INVALID', describeUndecodable(inputs, (index) => `input ${index}`));
  }

  /** For example `inputs[3]: not a decodable image (vipspng: libpng read error)`. */
  describe(nameOf: (index: number) => string): string {
    return describeUndecodable(this.inputs, nameOf);
  }
}

const NAMED_UNDECODABLE = 5;

function describeUndecodable(inputs: UndecodableImage[], nameOf: (index: number) => string): string {
  const named = inputs.slice(0, NAMED_UNDECODABLE).map((f) => `${nameOf(f.index)}: not a decodable image (${f.reason})`);
  const more = inputs.length > named.length ? `; and ${inputs.length - named.length} more` : '';
  return `${named.join('; ')}${more}`;
}

/** One queued input that the encoder thread could not decode. */
class Undecodable extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Thrown by the encoder thread for a request with undecodable inputs, by position in it. */
class UndecodableInRequest extends Error {
  constructor(readonly failures: UndecodableImage[], message: string) {
    super(message);
  }
}

export interface Embedder {
  embed(kind: 'text', inputs: string[]): Promise<{ encoder: string; vectors: Float32Array[] }>;
  embed(kind: 'image', inputs: Uint8Array[]): Promise<{ encoder: string; vectors: Float32Array[] }>;
  /** Batches sent to the encoder thread and inputs they held (for tests and benchmarks). */
  stats(): { batches: number; inputs: number; cacheHits: number };
  close(): Promise<void>;
}

/**
 * The worker's entry is TypeScript: register tsx's loader inside the worker first (a worker does
 * not inherit the loader the main thread was started with), then import it.
 */
const WORKER_BOOTSTRAP = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(new URL('./embed.worker.ts', import.meta.url).href)}); })`;

/** First use loads the model (seconds); after that a batch takes milliseconds. */
const TIMEOUT_MS = 120_000;
const MAX_BATCH = 32;
/**
 * Embeddings kept for identical inputs, least recently used dropped first. An entry is a vector
 * (512 floats for text, 2 KB; 256 for images, 1 KB) and a 33-character key, about 2.2 KB with
 * the Map's overhead: at most about 22 MB.
 */
const CACHE_ENTRIES = 10_000;

type Kind = 'text' | 'image';
interface Pending {
  key: string;
  input: string | Uint8Array;
  resolve: (vector: Float32Array) => void;
  reject: (error: Error) => void;
}

export function createEmbedder(config: { imageModelDir?: string }): Embedder {
  const thread = encoderThread(config);
  const cache = new Map<string, Float32Array>();
  const queues: Record<Kind, Pending[]> = { text: [], image: [] };
  const busy: Record<Kind, boolean> = { text: false, image: false };
  const timers: Partial<Record<Kind, NodeJS.Immediate>> = {};
  const counts = { batches: 0, inputs: 0, cacheHits: 0 };

  const flush = (kind: Kind) => {
    delete timers[kind];
    if (busy[kind] || queues[kind].length === 0) return;
    const batch = queues[kind].splice(0, MAX_BATCH);
    busy[kind] = true;
    counts.batches += 1;
    counts.inputs += batch.length;
    thread
      .run(kind, batch.map((p) => p.input))
      .then<void, void>(
        (vectors) =>
          batch.forEach((p, i) => {
            remember(cache, p.key, vectors[i]!);
            p.resolve(vectors[i]!);
          }),
        // One bad input (an image that does not decode) must not fail the others batched with it:
        // the thread names every such input, and the others go again at the head of the queue.
        async (error: Error) => {
          if (error instanceof UndecodableInRequest) {
            const reasons = new Map(error.failures.map((f) => [f.index, f.reason]));
            const rest = batch.filter((p, i) => {
              const reason = reasons.get(i);
              if (reason !== undefined) p.reject(new Undecodable(reason));
              return reason === undefined;
            });
            queues[kind].unshift(...rest);
          } else if (batch.length === 1) batch[0]!.reject(error);
          else await Promise.all(batch.map((p) => runAlone(kind, p)));
        },
      )
      .finally(() => {
        busy[kind] = false;
        // Whatever queued meanwhile goes at once, as the next batch.
        if (queues[kind].length > 0) flush(kind);
      });
  };

  const runAlone = (kind: Kind, p: Pending) =>
    thread.run(kind, [p.input]).then(
      ([vector]) => {
        remember(cache, p.key, vector!);
        p.resolve(vector!);
      },
      (error: Error) => p.reject(error instanceof UndecodableInRequest ? new Undecodable(error.failures[0]!.reason) : error),
    );

  const request = (kind: Kind, input: string | Uint8Array): Promise<Float32Array> => {
    const key = `${kind}:${createHash('sha1').update(input).digest('base64')}`;
    const hit = cache.get(key);
    if (hit) {
      counts.cacheHits += 1;
      return Promise.resolve(hit);
    }
    return new Promise((resolve, reject) => {
      queues[kind].push({ key, input, resolve, reject });
      if (queues[kind].length >= MAX_BATCH) flush(kind);
      else timers[kind] ??= setImmediate(() => flush(kind));
    });
  };

  return {
    embed: (async (kind: Kind, inputs: (string | Uint8Array)[]) => {
      const settled = await Promise.allSettled(inputs.map((input) => request(kind, input)));
      const undecodable = settled.flatMap((s, index) => (s.status === 'rejected' && s.reason instanceof Undecodable ? [{ index, reason: s.reason.reason }] : []));
      if (undecodable.length > 0) throw new UndecodableImageError(undecodable);
      const failed = settled.find((s) => s.status === 'rejected');
      if (failed) throw failed.reason;
      return { encoder: kind === 'text' ? TEXT_ENCODER_NAME : IMAGE_ENCODER_NAME, vectors: settled.map((s) => (s as PromiseFulfilledResult<Float32Array>).value) };
    }) as Embedder['embed'],
    stats: () => ({ ...counts }),
    async close() {
      for (const kind of ['text', 'image'] as const) {
        clearImmediate(timers[kind]);
        queues[kind].splice(0).forEach((p) => p.reject(new AppError('UNAVAILABLE', 'the server is shutting down')));
      }
      await thread.close();
    },
  };
}

/** Least-recently-used: a Map iterates in insertion order, so re-inserting marks an entry fresh. */
function remember(cache: Map<string, Float32Array>, key: string, vector: Float32Array): void {
  cache.delete(key);
  cache.set(key, vector);
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
}

/** The worker thread: one request at a time per call, replies matched by id. */
function encoderThread(config: { imageModelDir?: string }) {
  let worker: Worker | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: Float32Array[]) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
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
      if (!('error' in reply)) waiting.resolve(reply.vectors);
      // Undecodable inputs are the request's fault; anything else is the encoder's (503).
      else if (reply.undecodable?.length) waiting.reject(new UndecodableInRequest(reply.undecodable, reply.error));
      else waiting.reject(new AppError('UNAVAILABLE', `embedding failed: ${reply.error}`));
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
  return {
    run(kind: Kind, inputs: (string | Uint8Array)[]): Promise<Float32Array[]> {
      return new Promise((resolve, reject) => {
        worker ??= start();
        const id = nextId++;
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new AppError('UNAVAILABLE', 'embedding timed out'));
        }, TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        worker.postMessage({ id, kind, inputs });
      });
    },
    async close() {
      const running = worker;
      worker = undefined;
      failAll(new AppError('UNAVAILABLE', 'the server is shutting down'));
      await running?.terminate();
    },
  };
}
