import { randomBytes } from 'node:crypto';
import { type DbHandle } from '#db/client.ts';
import { createScratchDatabase } from '#db/scratch.ts';

export type Backend = 'postgres' | 'pglite';

/**
 * The database backends integration tests run against: always embedded PGlite, and real
 * PostgreSQL when DATABASE_URL is set (CI sets it; there its absence is an error, not a skip).
 */
export function databaseBackends(): Backend[] {
  if (process.env.DATABASE_URL) return ['postgres', 'pglite'];
  if (process.env.CI) throw new Error('CI must provide DATABASE_URL (real PostgreSQL with pgvector)');
  return ['pglite'];
}

export function redisUrl(): string | undefined {
  if (!process.env.REDIS_URL && process.env.CI) throw new Error('CI must provide REDIS_URL');
  return process.env.REDIS_URL;
}

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export interface TestDatabase extends DbHandle {
  backend: Backend;
}

/** A fresh, migrated database of its own: a new PostgreSQL database, or an in-memory PGlite. */
export async function createTestDatabase(backend: Backend, postgresAdminUrl = process.env.DATABASE_URL): Promise<TestDatabase> {
  const adminUrl = backend === 'postgres' ? postgresAdminUrl : undefined;
  if (backend === 'postgres' && !adminUrl) throw new Error('the postgres backend needs DATABASE_URL');
  return { ...(await createScratchDatabase({ adminUrl, name: uniqueName('sift_test') })), backend };
}
