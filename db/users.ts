import { sql } from 'kysely';
import type { Db } from './client.ts';
import type { AppUserRow } from './schema.ts';

export interface User {
  id: number;
  email: string;
  name: string;
  isInstanceOwner: boolean;
  createdAt: Date;
}

export function userRowToUser(row: AppUserRow): User {
  return { id: row.id, email: row.email, name: row.name, isInstanceOwner: row.is_instance_owner, createdAt: row.created_at };
}

/** Inserts a user; the very first user of the instance becomes its owner (decided atomically). */
export async function insertUser(db: Db, input: { email: string; name: string; passwordHash: string }): Promise<User> {
  return db.transaction().execute(async (trx) => {
    // Serialize sign-ups so two first users cannot both become owner.
    await sql`LOCK TABLE app_user IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const existing = await trx.selectFrom('app_user').select('id').limit(1).executeTakeFirst();
    const row = await trx
      .insertInto('app_user')
      .values({ email: input.email, name: input.name, password_hash: input.passwordHash, is_instance_owner: !existing })
      .returningAll()
      .executeTakeFirstOrThrow();
    return userRowToUser(row);
  });
}

export async function findUserByEmail(db: Db, email: string): Promise<(User & { passwordHash: string }) | undefined> {
  const row = await db
    .selectFrom('app_user')
    .selectAll()
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return row ? { ...userRowToUser(row), passwordHash: row.password_hash } : undefined;
}

export async function findUserById(db: Db, id: number): Promise<User | undefined> {
  const row = await db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? userRowToUser(row) : undefined;
}

/** True once anyone has signed up. */
export async function hasAnyUser(db: Db): Promise<boolean> {
  return Boolean(await db.selectFrom('app_user').select('id').limit(1).executeTakeFirst());
}
