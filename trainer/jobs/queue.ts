import { Queue, Worker, type Processor, type WorkerOptions, type QueueOptions } from 'bullmq';
import { createPostgresBackend } from 'bullmq';
import { Redis } from 'ioredis';

/** Where jobs live: Redis when `redisUrl` is set, else BullMQ's Postgres backend on our database. */
export interface JobSystemConfig {
  redisUrl?: string;
  /** Connection string of the project database (real PostgreSQL or the embedded PGlite server). */
  databaseUrl: string;
  /** Embedded PGlite cannot LISTEN/NOTIFY across connections, so workers poll more often there. */
  embedded: boolean;
  /** Key/schema prefix so several instances (and test runs) can share one server. */
  prefix: string;
}

export interface JobSystem {
  kind: 'redis' | 'postgres';
  /** The queue for a job name (one instance per name). */
  queue<T>(name: string): Queue<T>;
  worker<T>(name: string, processor: Processor<T>, options?: Partial<WorkerOptions>): Worker<T>;
  /** True when the backing store answers. */
  ping(): Promise<boolean>;
  /** False while the Redis connection is lost (adding a job would wait for it); always true on Postgres. */
  isConnected(): boolean;
  /**
   * Calls `listener` each time the connection to Redis comes back after a loss (never for the
   * Postgres backend). A Redis restarted empty has lost its jobs and schedules: re-create them.
   */
  onReconnect(listener: () => void): void;
  /** Calls `listener` each time one of this system's workers has run a job, to success or failure. */
  onJobSettled(listener: (queueName: string) => void): void;
  /** Stops taking jobs, waits for the active ones to finish, then closes every connection. */
  close(): Promise<void>;
}

/** One queue API over either backend; the rest of the code never knows which. */
export function createJobSystem(config: JobSystemConfig): JobSystem {
  const queues = new Map<string, Queue>();
  const workers: Worker[] = [];
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: null, lazyConnect: false })
    : undefined;
  // Producers fail fast when Redis is down so the API can answer 503 instead of hanging.
  const producer = config.redisUrl
    ? new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false })
    : undefined;
  redis?.on('error', (error) => console.error('[queue] redis error:', error.message));
  producer?.on('error', (error) => console.error('[queue] redis producer error:', error.message));
  // Reconnected means both connections are back: the listeners add jobs through the producer,
  // which refuses commands (no offline queue) until it has reconnected too.
  const reconnectListeners: (() => void)[] = [];
  const settledListeners: ((queueName: string) => void)[] = [];
  let connectedOnce = false;
  let lost = false;
  const onReady = () => {
    if (redis?.status !== 'ready' || producer?.status !== 'ready') return;
    if (lost) for (const listener of reconnectListeners) listener();
    connectedOnce = true;
    lost = false;
  };
  const onClose = () => (lost = connectedOnce);
  for (const connection of [redis, producer]) {
    connection?.on('ready', onReady);
    connection?.on('close', onClose);
  }

  const base = (forWorker: boolean): QueueOptions =>
    redis
      ? { connection: forWorker ? redis : producer!, prefix: config.prefix }
      : ({ connection: { connectionString: config.databaseUrl, schema: 'bullmq', migrate: true, max: 5 }, prefix: config.prefix } as unknown as QueueOptions);

  return {
    kind: redis ? 'redis' : 'postgres',
    queue<T>(name: string): Queue<T> {
      let queue = queues.get(name);
      if (!queue) {
        queue = redis ? new Queue(name, base(false)) : new Queue(name, base(false) as never, createPostgresBackend as never);
        queue.on('error', (error) => console.error(`[queue ${name}]`, error.message));
        queues.set(name, queue);
      }
      return queue as Queue<T>;
    },
    worker<T>(name: string, processor: Processor<T>, options: Partial<WorkerOptions> = {}): Worker<T> {
      const opts = { ...base(true), drainDelay: config.embedded ? 1 : 5, ...options } as WorkerOptions;
      // Listeners hear of a finished job before BullMQ records it and fetches the next one, so a
      // listener that closes the system keeps that next job queued.
      const settling: Processor<T> = async (job, token, signal) => {
        try {
          return await processor(job, token, signal);
        } finally {
          for (const listener of settledListeners) listener(name);
        }
      };
      const worker = redis
        ? new Worker<T>(name, settling, opts)
        : new Worker<T>(name, settling, opts as never, createPostgresBackend as never);
      worker.on('error', (error) => console.error(`[worker ${name}]`, error.message));
      worker.on('failed', (job, error) =>
        console.error(`[worker ${name}] job ${job?.id ?? '?'} failed (attempt ${job?.attemptsMade ?? '?'}): ${error.message}`),
      );

      workers.push(worker as Worker);
      return worker;
    },
    async ping() {
      try {
        if (producer) return (await producer.ping()) === 'PONG';
        const queue = this.queue('health');
        await queue.getJobCounts('waiting');
        return true;
      } catch {
        return false;
      }
    },
    isConnected() {
      return !producer || producer.status === 'ready';
    },
    onReconnect(listener) {
      reconnectListeners.push(listener);
    },
    onJobSettled(listener) {
      settledListeners.push(listener);
    },
    async close() {
      await Promise.all(workers.map((w) => w.close()));
      await Promise.all([...queues.values()].map((q) => q.close()));
      redis?.disconnect();
      producer?.disconnect();
    },
  };
}
