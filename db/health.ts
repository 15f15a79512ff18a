import { sql } from 'kysely';
import type { Db } from './client.ts';

/** A round trip to the database; resolves with an error message instead of throwing. */
export async function pingDatabase(db: Db): Promise<{ ok: true } | { ok: false; error: string }> {
  try {
    await sql`SELECT 1`.execute(db);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
