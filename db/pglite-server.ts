/**
 * Child-process entry that owns the embedded PGlite database and serves it over the Postgres wire
 * protocol on loopback, so the HTTP process never blocks on PGlite queries and uses the same `pg`
 * code path as real PostgreSQL. Started by `startEmbeddedPostgres()`; exits when its parent goes.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PgliteWireServer } from './pglite-wire.ts';
import { claimEmbeddedDir, releaseEmbeddedDir } from './embedded-lock.ts';

const [dataDir, portArg] = process.argv.slice(2);
if (!dataDir || !process.send) {
  console.error('usage: forked by db/embedded.ts with a data directory');
  process.exit(2);
}
const onDisk = !dataDir.startsWith('memory://');
if (onDisk) {
  mkdirSync(dataDir, { recursive: true });
  try {
    claimEmbeddedDir(dataDir);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(3);
  }
}

const db = await PGlite.create(dataDir, { extensions: { vector } });
await db.exec('CREATE EXTENSION IF NOT EXISTS vector');
// One backend serves every connection and per-connection startup options are not applied,
// so BullMQ's schema has to be on the instance-wide search path.
await db.exec('CREATE SCHEMA IF NOT EXISTS bullmq; SET search_path TO bullmq, public');
const server = new PgliteWireServer(db);
const address = await server.listen(Number(portArg ?? 0));
process.send({ type: 'ready', address });

async function shutdown(): Promise<void> {
  await server.close();
  await db.close();
  if (onDisk) releaseEmbeddedDir(dataDir!);
  process.exit(0);
}
process.on('disconnect', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
