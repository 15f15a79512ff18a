import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { Redis } from 'ioredis';
import pg from 'pg';
import { z } from 'zod';

/** A project-scoped event: broadcast to every open browser of that project. Keep payloads small. */
export const SiftEvent = z.object({
  projectId: z.number().int().positive(),
  type: z.string().min(1).max(64),
  data: z.record(z.unknown()),
});
export type SiftEvent = z.infer<typeof SiftEvent>;

export interface EventBus {
  kind: 'local' | 'redis' | 'postgres' | 'ipc';
  publish(event: SiftEvent): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(handler: (event: SiftEvent) => void): () => void;
  close(): Promise<void>;
}

export interface EventBusConfig {
  redisUrl?: string;
  /** Real PostgreSQL only (LISTEN/NOTIFY); omit in embedded mode, where producers share the process. */
  postgresUrl?: string;
  prefix: string;
  /** In a trainer process forked by the server (embedded setup): publish to the parent over IPC. */
  parentIpc?: boolean;
}

/**
 * Redis pub/sub in production; Postgres LISTEN/NOTIFY when only a real database is configured;
 * in-process when embedded (server and trainer workers run in one process there).
 */
export async function createEventBus(config: EventBusConfig): Promise<EventBus> {
  if (config.parentIpc && process.send) return createParentIpcBus();
  if (config.redisUrl) return createRedisBus(config.redisUrl, `${config.prefix}:events`);
  if (config.postgresUrl) return createPostgresBus(config.postgresUrl, `${config.prefix.replace(/[^a-z0-9_]/gi, '_')}_events`);
  return createLocalBus();
}

function createLocalBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    kind: 'local',
    async publish(event) {
      emitter.emit('event', SiftEvent.parse(event));
    },
    subscribe(handler) {
      emitter.on('event', handler);
      return () => emitter.off('event', handler);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/** Publish-only: the parent server relays these to its own bus and on to the browsers. */
function createParentIpcBus(): EventBus {
  return {
    kind: 'ipc',
    async publish(event) {
      process.send!({ type: 'event', event: SiftEvent.parse(event) });
    },
    subscribe() {
      throw new Error('a trainer child process cannot subscribe to events');
    },
    async close() {},
  };
}

/** A message from Redis or PostgreSQL, checked against `schema`; a malformed one is logged and dropped. */
function parseIncoming<T>(schema: z.ZodType<T>, raw: string): T | undefined {
  try {
    return schema.parse(JSON.parse(raw));
  } catch (error) {
    console.error('[events] dropped malformed event:', error instanceof Error ? error.message : error);
    return undefined;
  }
}

/**
 * Redis pub/sub, delivered to this process's own subscribers first: a label's broadcast to the
 * browsers connected here does not wait for the round trip through Redis (or for Redis at all).
 * Each message carries its process's origin so the copy that comes back is skipped; other
 * processes (another server, the trainer) hear it through Redis.
 */
async function createRedisBus(url: string, channel: string): Promise<EventBus> {
  const publisher = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
  const subscriber = new Redis(url, { lazyConnect: true });
  publisher.on('error', (error) => console.error('[events] redis publisher:', error.message));
  subscriber.on('error', (error) => console.error('[events] redis subscriber:', error.message));
  await Promise.all([publisher.connect(), subscriber.connect()]);
  await subscriber.subscribe(channel);
  const origin = randomUUID();
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  subscriber.on('message', (_channel, message) => {
    const envelope = parseIncoming(Envelope, message);
    if (envelope && envelope.origin !== origin) emitter.emit('event', envelope.event);
  });
  let warned = false;
  publisher.on('ready', () => (warned = false));
  return {
    kind: 'redis',
    async publish(event) {
      const parsed = SiftEvent.parse(event);
      emitter.emit('event', parsed);
      try {
        await publisher.publish(channel, JSON.stringify({ origin, event: parsed }));
      } catch (error) {
        // Redis is unreachable: this process's own browsers heard of it; other processes miss it
        // until Redis is back.
        if (!warned) console.error(`[events] redis unreachable, delivering in this process only: ${error instanceof Error ? error.message : error}`);
        warned = true;
      }
    },
    subscribe(handler) {
      emitter.on('event', handler);
      return () => emitter.off('event', handler);
    },
    async close() {
      emitter.removeAllListeners();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

const Envelope = z.object({ origin: z.string(), event: SiftEvent });

async function createPostgresBus(url: string, channel: string): Promise<EventBus> {
  const listener = new pg.Client({ connectionString: url });
  const publisher = new pg.Pool({ connectionString: url, max: 2 });
  listener.on('error', (error) => console.error('[events] postgres listener:', error.message));
  publisher.on('error', (error) => console.error('[events] postgres publisher:', error.message));
  await listener.connect();
  await listener.query(`LISTEN ${channel}`);
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  listener.on('notification', (message) => {
    const event = message.channel === channel && message.payload ? parseIncoming(SiftEvent, message.payload) : undefined;
    if (event) emitter.emit('event', event);
  });
  return {
    kind: 'postgres',
    async publish(event) {
      await publisher.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(SiftEvent.parse(event))]);
    },
    subscribe(handler) {
      emitter.on('event', handler);
      return () => emitter.off('event', handler);
    },
    async close() {
      emitter.removeAllListeners();
      await listener.end();
      await publisher.end();
    },
  };
}
