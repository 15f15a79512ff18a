/**
 * Child-process entry that owns the embedded PGlite database and serves it over the Postgres wire
 * protocol on loopback, so the HTTP process never blocks on PGlite queries and uses the same `pg`
 * code path as real PostgreSQL. Started by `startEmbeddedPostgres()`; exits when its parent goes.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

const [dataDir, portArg] = process.argv.slice(2);
if (!dataDir || !process.send) {
  console.error('usage: forked by db/embedded.ts with a data directory');
  process.exit(2);
}
if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });

const db = await PGlite.create(dataDir, { extensions: { vector } });
await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
// pglite-socket shares one backend between connections and ignores per-connection startup options,
// so BullMQ's schema has to be on the instance-wide search path.
await db.exec('CREATE SCHEMA IF NOT EXISTS bullmq; SET search_path TO bullmq, public');
const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: Number(portArg ?? 0), maxConnections: 100 });
await server.start();
process.send({ type: 'ready', address: server.getServerConn() });

async function shutdown(): Promise<void> {
  await server.stop();
  await db.close();
  process.exit(0);
}
process.on('disconnect', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
