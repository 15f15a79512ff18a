import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';
import type { Database } from './schema.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded.ts';

export type Db = Kysely<Database>;

export interface DbConfig {
  /** Real PostgreSQL (with pgvector). When absent, an embedded PGlite serves `dataDir`. */
  databaseUrl?: string;
  /** Directory for the embedded database (`memory://` for a throwaway one). */
  dataDir: string;
  poolSize?: number;
}

/** An open database: Kysely for our queries, the connection string for BullMQ's Postgres backend. */
export interface DbHandle {
  db: Db;
  mode: 'postgres' | 'pglite';
  connectionString: string;
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** Counts and sums come back as int8/numeric: parse them as JS numbers for our own pools only. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens the project database: a `pg` pool over `databaseUrl` when set, else an embedded PGlite
 * in its own process reached over the same wire protocol, so both run identical queries.
 */
export async function createDb(config: DbConfig): Promise<DbHandle> {
  let embedded: EmbeddedPostgres | undefined;
  let connectionString = config.databaseUrl;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres(config.dataDir);
    connectionString = embedded.connectionString;
  }
  // Fail fast when the database is down (the default waits forever): requests answer 503 instead of hanging.
  const pool = new pg.Pool({ connectionString, max: config.poolSize ?? 10, types, connectionTimeoutMillis: 5000 });
  pool.on('error', (error) => console.error('[db] idle client error', error.message));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    mode: embedded ? 'pglite' : 'postgres',
    connectionString,
    async close() {
      await db.destroy();
      await embedded?.stop();
    },
  };
}
