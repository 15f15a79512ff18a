import { randomBytes } from 'node:crypto';
import type { AppDeps } from '#server/deps.ts';
import { createContextInner } from '#server/context.ts';
import { createCaller } from '#server/router.ts';
import type { User } from '#db/users.ts';

let counter = 0;

/** Plain sign-up input with a unique email. */
export function buildUser(overrides: Partial<{ email: string; name: string; password: string }> = {}) {
  counter += 1;
  const tag = `${counter}${randomBytes(3).toString('hex')}`;
  return { email: `user${tag}@example.test`, name: `User ${tag}`, password: 'correct horse battery', ...overrides };
}

/** Signs a user up through the real router and returns a caller acting as them. */
export async function signUpCaller(deps: AppDeps, overrides: Parameters<typeof buildUser>[0] = {}) {
  const input = buildUser(overrides);
  const { user } = await createCaller(createContextInner({ deps })).auth.signUp(input);
  return { user, input, caller: callerFor(deps, user) };
}

export function callerFor(deps: AppDeps, user: User | undefined) {
  return createCaller(createContextInner({ deps, user }));
}
