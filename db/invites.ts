import type { Db } from './client.ts';
import type { Role } from './schema.ts';

export interface Invite {
  id: number;
  projectId: number;
  projectName: string;
  email: string;
  role: Exclude<Role, 'owner'>;
  expiresAt: Date;
  acceptedAt: Date | null;
}

export async function insertInvite(
  db: Db,
  input: { projectId: number; email: string; role: Exclude<Role, 'owner'>; tokenHash: string; createdBy: number; expiresAt: Date },
): Promise<number> {
  const row = await db
    .insertInto('invite')
    .values({
      project_id: input.projectId,
      email: input.email,
      role: input.role,
      token_hash: input.tokenHash,
      created_by: input.createdBy,
      expires_at: input.expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function findInviteByTokenHash(db: Db, tokenHash: string): Promise<Invite | undefined> {
  const row = await db
    .selectFrom('invite')
    .innerJoin('project', 'project.id', 'invite.project_id')
    .select([
      'invite.id',
      'invite.project_id',
      'project.name as project_name',
      'invite.email',
      'invite.role',
      'invite.expires_at',
      'invite.accepted_at',
    ])
    .where('invite.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row
    ? {
        id: row.id,
        projectId: row.project_id,
        projectName: row.project_name,
        email: row.email,
        role: row.role,
        expiresAt: row.expires_at,
        acceptedAt: row.accepted_at,
      }
    : undefined;
}

export async function markInviteAccepted(db: Db, inviteId: number, userId: number, now: Date): Promise<void> {
  await db.updateTable('invite').set({ accepted_at: now, accepted_by: userId }).where('id', '=', inviteId).execute();
}

export async function listPendingInvites(db: Db, projectId: number, now: Date): Promise<Omit<Invite, 'projectName'>[]> {
  const rows = await db
    .selectFrom('invite')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('id', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, projectId: r.project_id, email: r.email, role: r.role, expiresAt: r.expires_at, acceptedAt: r.accepted_at }));
}

/** Unaccepted invites past their expiry are deleted. */
export async function deleteExpiredInvites(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('invite').where('accepted_at', 'is', null).where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
