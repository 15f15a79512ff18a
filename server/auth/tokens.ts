import { createHash, randomBytes } from 'node:crypto';

/** Session and invite tokens are stored only as this hash; the raw token goes to the client once. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A URL-safe random token with `bytes` of entropy. */
export function createToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
