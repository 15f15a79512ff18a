import type { RouterOutputs } from './trpc.client.ts';

export type Role = RouterOutputs['projects']['list'][number]['role'];

const rank: Record<Role, number> = { annotator: 0, reviewer: 1, lead: 2, owner: 3 };

/** Mirrors the server's rule (owner > lead > reviewer > annotator) to hide actions a role can't take. */
export function hasRole(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

export const invitableRoles = ['annotator', 'reviewer', 'lead'] as const satisfies readonly Role[];
