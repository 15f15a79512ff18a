import type { Db } from './client.ts';
import { userRowToUser, type User } from './users.ts';

/** Stores a session keyed by the hash of its cookie token (the token itself is never stored). */
export async function insertSession(db: Db, input: { idHash: string; userId: number; expiresAt: Date }): Promise<void> {
  await db.insertInto('session').values({ id: input.idHash, user_id: input.userId, expires_at: input.expiresAt }).execute();
}

/** The user of a live (unexpired) session. */
export async function findSessionUser(db: Db, idHash: string, now: Date): Promise<User | undefined> {
  const row = await db
    .selectFrom('session')
    .innerJoin('app_user', 'app_user.id', 'session.user_id')
    .selectAll('app_user')
    .where('session.id', '=', idHash)
    .where('session.expires_at', '>', now)
    .executeTakeFirst();
  return row ? userRowToUser(row) : undefined;
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('session').where('id', '=', idHash).execute();
}

/** Removes expired sessions and returns how many went. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('session').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
