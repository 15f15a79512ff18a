/**
 * API keys: per project, scoped (`predict`), stored as a SHA-256 hash of the secret part. Keys are
 * 32 random bytes, so a fast hash is enough (no password-style stretching); the short public
 * prefix finds the row without scanning.
 */
import { sql } from 'kysely';
import type { Db } from './client.ts';

export interface ApiKey {
  id: number;
  projectId: number;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: number | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

type ApiKeyRow = {
  id: number;
  project_id: number;
  name: string;
  prefix: string;
  scopes: string[];
  created_by: number | null;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
};

function toApiKey(r: ApiKeyRow): ApiKey {
  return {
    id: r.id,
    projectId: r.project_id,
    name: r.name,
    prefix: r.prefix,
    scopes: r.scopes,
    createdBy: r.created_by,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

const COLUMNS = ['id', 'project_id', 'name', 'prefix', 'scopes', 'created_by', 'created_at', 'last_used_at', 'revoked_at'] as const;

export async function insertApiKey(
  db: Db,
  input: { projectId: number; name: string; prefix: string; keyHash: string; scopes: string[]; createdBy: number },
): Promise<ApiKey> {
  const row = await db
    .insertInto('api_key')
    .values({ project_id: input.projectId, name: input.name, prefix: input.prefix, key_hash: input.keyHash, scopes: input.scopes, created_by: input.createdBy })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow();
  return toApiKey(row);
}

/** The project's keys, newest first (revoked ones too, marked). */
export async function listApiKeys(db: Db, projectId: number): Promise<ApiKey[]> {
  const rows = await db.selectFrom('api_key').select(COLUMNS).where('project_id', '=', projectId).orderBy('id', 'desc').execute();
  return rows.map(toApiKey);
}

/** The key with this public prefix and secret hash, if any (revoked ones included: the caller says why it fails). */
export async function findApiKeyByHash(db: Db, prefix: string, keyHash: string): Promise<ApiKey | undefined> {
  const row = await db.selectFrom('api_key').select(COLUMNS).where('prefix', '=', prefix).where('key_hash', '=', keyHash).executeTakeFirst();
  return row ? toApiKey(row) : undefined;
}

/** Marks a key revoked; false if it is not this project's or was already revoked. */
export async function revokeApiKey(db: Db, projectId: number, keyId: number): Promise<boolean> {
  const result = await db
    .updateTable('api_key')
    .set({ revoked_at: sql`now()` })
    .where('id', '=', keyId)
    .where('project_id', '=', projectId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Records use (at most once a minute per key, so hot keys do not write on every request). */
export async function touchApiKey(db: Db, keyId: number): Promise<void> {
  await db
    .updateTable('api_key')
    .set({ last_used_at: sql`now()` })
    .where('id', '=', keyId)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - interval '1 minute'`)]))
    .execute();
}
