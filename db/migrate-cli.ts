/** `npm run migrate`: applies pending migrations to DATABASE_URL or the embedded data dir. */
import { createDb } from './client.ts';
import { migrateToLatest } from './migrate.ts';

const handle = await createDb({
  databaseUrl: process.env.DATABASE_URL || undefined,
  dataDir: process.env.SIFT_DATA_DIR || './.sift/pgdata',
});
try {
  const applied = await migrateToLatest(handle.db);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'schema is up to date');
} finally {
  await handle.close();
}
