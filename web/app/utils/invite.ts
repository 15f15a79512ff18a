import type { invitableRoles } from './roles.ts';

/** What the members route's invite action answers; the invite form reads it through its fetcher. */
export type InviteResult =
  | { ok: true; invite: { path: string; email: string; role: (typeof invitableRoles)[number] } }
  | { ok: false; formError: string | null; fieldErrors: Record<string, string[] | undefined> };
