import pg from 'pg';
import { createDb, type DbHandle } from './client.ts';
import { migrateToLatest } from './migrate.ts';

/**
 * A fresh, migrated database of its own, dropped on close: a new database next to `adminUrl` on a
 * real PostgreSQL, or (without one) an in-memory embedded PGlite. For tests and benchmarks.
 */
export async function createScratchDatabase(input: { adminUrl?: string; name: string }): Promise<DbHandle> {
  if (!input.adminUrl) {
    const handle = await createDb({ dataDir: 'memory://' });
    await migrateToLatest(handle.db);
    return handle;
  }
  if (!/^[a-z_][a-z0-9_]*$/.test(input.name)) throw new Error(`unsafe database name ${input.name}`);
  const run = async (statement: string) => {
    const admin = new pg.Client({ connectionString: input.adminUrl });
    await admin.connect();
    try {
      await admin.query(statement);
    } finally {
      await admin.end();
    }
  };
  await run(`CREATE DATABASE ${input.name}`);
  const url = new URL(input.adminUrl);
  url.pathname = `/${input.name}`;
  const handle = await createDb({ databaseUrl: url.toString(), dataDir: 'unused' });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    async close() {
      await handle.close();
      await run(`DROP DATABASE IF EXISTS ${input.name} WITH (FORCE)`);
    },
  };
}
