import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createDb, type DbHandle } from '#db/client.ts';
import { migrateToLatest } from '#db/migrate.ts';

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
export async function createTestDatabase(backend: Backend): Promise<TestDatabase> {
  if (backend === 'pglite') {
    const handle = await createDb({ dataDir: 'memory://' });
    await migrateToLatest(handle.db);
    return { ...handle, backend };
  }
  const adminUrl = process.env.DATABASE_URL!;
  const name = uniqueName('sift_test');
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await createDb({ databaseUrl: url.toString(), dataDir: 'unused' });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    backend,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}
