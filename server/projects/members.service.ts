import { findInviteByTokenHash, insertInvite, listPendingInvites, markInviteAccepted, type Invite } from '#db/invites.ts';
import { findMemberRole, listMembers, upsertMember } from '#db/projects.ts';
import type { User } from '#db/users.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import { createToken, hashToken } from '../auth/tokens.ts';
import type { ProjectAccess } from './projects.service.ts';
import type { InviteInput } from './projects.schema.ts';
import { assertRole } from './roles.ts';

const INVITE_DAYS = 7;

/** Creates an invite link for email+role; only owners invite. The token is shown once. */
export async function createInvite(
  deps: AppDeps,
  user: User,
  access: ProjectAccess,
  input: InviteInput,
): Promise<{ token: string; path: string; expiresAt: Date }> {
  assertRole(access.role, 'owner', 'invite members');
  const token = createToken(24);
  const expiresAt = new Date(deps.now().getTime() + INVITE_DAYS * 86_400_000);
  await insertInvite(deps.db, { projectId: access.project.id, email: input.email, role: input.role, tokenHash: hashToken(token), createdBy: user.id, expiresAt });
  return { token, path: `/invite/${token}`, expiresAt };
}

/** An unexpired, unaccepted invite for the token, or undefined. */
export async function findValidInvite(deps: AppDeps, token: string): Promise<Invite | undefined> {
  const invite = await findInviteByTokenHash(deps.db, hashToken(token));
  if (!invite || invite.acceptedAt || invite.expiresAt <= deps.now()) return undefined;
  return invite;
}

/** Public view of an invite (for the invite page): which project, which role, still valid? */
export async function describeInvite(deps: AppDeps, token: string) {
  const invite = await findInviteByTokenHash(deps.db, hashToken(token));
  if (!invite) throw new AppError('NOT_FOUND', 'this invite link is not valid');
  return {
    projectName: invite.projectName,
    email: invite.email,
    role: invite.role,
    status: invite.acceptedAt ? 'accepted' : invite.expiresAt <= deps.now() ? 'expired' : 'open',
  } as const;
}

/** The open invite for `token` if `email` may accept it; throws NOT_FOUND or FORBIDDEN otherwise. */
export async function checkInviteFor(deps: AppDeps, token: string, email: string): Promise<Invite> {
  const invite = await findValidInvite(deps, token);
  if (!invite) throw new AppError('NOT_FOUND', 'this invite link is not valid, was already used, or has expired');
  if (invite.email.toLowerCase() !== email.toLowerCase()) {
    throw new AppError('FORBIDDEN', `this invite is for ${invite.email}; sign in with that account to accept it`);
  }
  return invite;
}

/** Joins the invited project. The signed-in user's email must match the invite. */
export async function acceptInvite(deps: AppDeps, user: User, token: string): Promise<{ projectId: number }> {
  const invite = await checkInviteFor(deps, token, user.email);
  const existing = await findMemberRole(deps.db, invite.projectId, user.id);
  await deps.db.transaction().execute(async (trx) => {
    if (existing !== 'owner') await upsertMember(trx, { projectId: invite.projectId, userId: user.id, role: invite.role });
    await markInviteAccepted(trx, invite.id, user.id, deps.now());
  });
  return { projectId: invite.projectId };
}

export async function listMembersAndInvites(deps: AppDeps, access: ProjectAccess) {
  const [members, invites] = await Promise.all([
    listMembers(deps.db, access.project.id),
    access.role === 'owner' ? listPendingInvites(deps.db, access.project.id, deps.now()) : Promise.resolve([]),
  ]);
  return { members, invites };
}
