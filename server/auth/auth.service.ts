import { hash, verify, type Algorithm } from '@node-rs/argon2';
import { findUserByEmail, hasAnyUser, insertUser, type User } from '#db/users.ts';
import { deleteSession, findSessionUser, insertSession } from '#db/sessions.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { LogInInput, SignUpInput } from './auth.schema.ts';
import { findValidInvite } from '../projects/members.service.ts';
import { createRateLimiter } from './rate-limit.ts';
import { createToken, hashToken } from './tokens.ts';

const ARGON = { algorithm: 2 as Algorithm /* Argon2id */, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
// A hash to verify against when the email is unknown, so timing does not reveal which emails exist.
const dummyHash = hash('not-a-real-password', ARGON);
const logInLimiter = createRateLimiter({ max: 10, windowMs: 60_000 });

/** Creates an account. Open sign-up can be switched off; an invite link always allows it. */
export async function signUp(deps: AppDeps, input: SignUpInput): Promise<User> {
  if (!deps.env.SIFT_ALLOW_SIGNUP) {
    const invite = input.inviteToken ? await findValidInvite(deps, input.inviteToken) : undefined;
    const isFirst = !(await hasAnyUser(deps.db));
    if (!invite && !isFirst) throw new AppError('FORBIDDEN', 'sign-up is by invitation only on this instance');
  }
  if (await findUserByEmail(deps.db, input.email)) throw new AppError('CONFLICT', 'an account with this email already exists');
  const passwordHash = await hash(input.password, ARGON);
  try {
    return await insertUser(deps.db, { email: input.email, name: input.name, passwordHash });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') throw new AppError('CONFLICT', 'an account with this email already exists');
    throw error;
  }
}

/** Checks credentials; throws the same UNAUTHORIZED for unknown email and wrong password. */
export async function logIn(deps: AppDeps, input: LogInInput, clientKey: string): Promise<User> {
  if (!logInLimiter.take(`${clientKey}|${input.email}`, deps.now().getTime())) {
    throw new AppError('TOO_MANY', 'too many log-in attempts; wait a minute and try again');
  }
  const user = await findUserByEmail(deps.db, input.email);
  const ok = await verify(user?.passwordHash ?? (await dummyHash), input.password);
  if (!user || !ok) throw new AppError('UNAUTHORIZED', 'wrong email or password');
  const { passwordHash: _ignored, ...rest } = user;
  return rest;
}

/** A fresh random session token (returned once, for the cookie) whose hash is stored. */
export async function createSession(deps: AppDeps, userId: number): Promise<{ token: string; expiresAt: Date }> {
  const token = createToken(32);
  const expiresAt = new Date(deps.now().getTime() + deps.env.SIFT_SESSION_DAYS * 86_400_000);
  await insertSession(deps.db, { idHash: hashToken(token), userId, expiresAt });
  return { token, expiresAt };
}

export async function findUserBySessionToken(deps: AppDeps, token: string | undefined): Promise<User | undefined> {
  if (!token || token.length > 200) return undefined;
  return findSessionUser(deps.db, hashToken(token), deps.now());
}

export async function endSession(deps: AppDeps, token: string | undefined): Promise<void> {
  if (token) await deleteSession(deps.db, hashToken(token));
}
