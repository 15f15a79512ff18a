import { createHash, randomBytes } from 'node:crypto';
import { findApiKeyByHash, insertApiKey, listApiKeys, revokeApiKey, touchApiKey, type ApiKey } from '#db/api-keys.ts';
import type { User } from '#db/users.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import { assertRole } from '../projects/roles.ts';
import type { CreateApiKeyInput, RevokeApiKeyInput } from './api-keys.schema.ts';

/** `sift_<8-char public prefix>_<43-char secret>`: the prefix finds the row, the hash proves the key. */
const KEY_PATTERN = /^sift_([A-Za-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function publicView(key: ApiKey) {
  return { id: key.id, name: key.name, prefix: key.prefix, scopes: key.scopes, createdAt: key.createdAt, lastUsedAt: key.lastUsedAt, revokedAt: key.revokedAt };
}

/** A new key with the chosen scopes (predict by default); the secret is returned this once and stored only as a hash. */
export async function createApiKey(deps: AppDeps, user: User, access: ProjectAccess, input: CreateApiKeyInput) {
  assertRole(access.role, 'lead', 'create API keys');
  const prefix = randomBytes(6).toString('base64url').replace(/[-_]/g, 'x').slice(0, 8);
  const key = `sift_${prefix}_${randomBytes(32).toString('base64url')}`;
  const saved = await insertApiKey(deps.db, { projectId: access.project.id, name: input.name, prefix, keyHash: hashKey(key), scopes: input.scopes, createdBy: user.id });
  return { key, apiKey: publicView(saved) };
}

export async function listKeys(deps: AppDeps, access: ProjectAccess) {
  assertRole(access.role, 'lead', 'see API keys');
  return { keys: (await listApiKeys(deps.db, access.project.id)).map(publicView) };
}

export async function revokeKey(deps: AppDeps, access: ProjectAccess, input: RevokeApiKeyInput) {
  assertRole(access.role, 'lead', 'revoke API keys');
  if (!(await revokeApiKey(deps.db, access.project.id, input.keyId))) throw new AppError('NOT_FOUND', `no live key ${input.keyId} in this project`);
  // This process forgets the key at once; the event tells every other server process.
  deps.servingCache.keys.deleteWhere((key) => key.id === input.keyId);
  await deps.bus.publish({ projectId: access.project.id, type: 'apikey.revoked', data: { keyId: input.keyId } });
  return { revoked: input.keyId };
}

/**
 * The key in an `Authorization: Bearer …` header, checked for this project and scope. Missing,
 * malformed, unknown and revoked keys are 401; a valid key of another project or without the
 * scope is 403. Nothing about the project is revealed either way.
 */
export async function authenticateApiKey(deps: AppDeps, header: string | undefined, projectId: number, scope: string): Promise<ApiKey> {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (!match) throw new AppError('UNAUTHORIZED', 'send an API key: Authorization: Bearer sift_…');
  const parts = KEY_PATTERN.exec(match[1]!);
  if (!parts) throw new AppError('UNAUTHORIZED', 'that is not a Sift API key');
  // Looked up by the hash of a 256-bit secret: timing reveals nothing usable about other keys.
  const hash = hashKey(match[1]!);
  const cached = deps.servingCache.keys.get(hash);
  const key = cached ?? (await findApiKeyByHash(deps.db, parts[1]!, hash));
  if (!key) throw new AppError('UNAUTHORIZED', 'unknown API key');
  if (!cached) deps.servingCache.keys.set(hash, key);
  if (key.revokedAt) throw new AppError('UNAUTHORIZED', 'this API key was revoked');
  if (key.projectId !== projectId) throw new AppError('FORBIDDEN', 'this API key belongs to another project');
  if (!key.scopes.includes(scope)) throw new AppError('FORBIDDEN', `this API key may not ${scope}`);
  if (!cached) void touchApiKey(deps.db, key.id).catch(() => undefined);
  return key;
}
