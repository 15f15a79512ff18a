import type { Role } from '#db/schema.ts';
import type { TestApp } from '#test/setup/app.ts';
import { TestClient } from '#test/setup/http.ts';
import { buildUser } from './users.ts';

/** Who acts: nobody signed in, a signed-in non-member, or a member with a role; lowest first. */
export type Who = 'anonymous' | 'stranger' | Role;
export const WHO: Who[] = ['anonymous', 'stranger', 'annotator', 'reviewer', 'lead', 'owner'];

/** Whether `who` clears a check whose lowest allowed role is `minimum`. */
export function isAllowed(who: Who, minimum: Role): boolean {
  return WHO.indexOf(who) >= WHO.indexOf(minimum);
}

/** A browser session of a newly signed-up account. */
export async function signedInClient(app: Pick<TestApp, 'baseUrl'>, input = buildUser()): Promise<TestClient> {
  const client = new TestClient(app.baseUrl);
  await client.mutate('auth.signUp', input);
  return client;
}

/**
 * One HTTP client per `Who`: the owner creates `projects` (labels a and b) and invites one member
 * per role into each; the stranger is signed in but belongs to none of them.
 */
export async function seedTeam(app: Pick<TestApp, 'baseUrl'>, projects: { name: string; dataType: 'text' | 'image' }[]) {
  const owner = await signedInClient(app);
  const clients = { anonymous: new TestClient(app.baseUrl), stranger: await signedInClient(app), owner } as Record<Who, TestClient>;
  const projectIds: number[] = [];
  for (const p of projects) {
    projectIds.push((await owner.mutate<{ id: number }>('projects.create', { ...p, labels: [{ name: 'a' }, { name: 'b' }] })).id);
  }
  for (const role of ['annotator', 'reviewer', 'lead'] as const) {
    const input = buildUser();
    clients[role] = await signedInClient(app, input);
    for (const projectId of projectIds) {
      const invite = await owner.mutate<{ token: string }>('projects.invite', { projectId, email: input.email, role });
      await clients[role].mutate('projects.acceptInvite', { token: invite.token });
    }
  }
  return { clients, projectIds };
}
