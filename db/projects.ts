import type { Db } from './client.ts';
import type { DataType, ProjectRow, Role } from './schema.ts';

export interface Project {
  id: number;
  name: string;
  dataType: DataType;
  settings: Record<string, unknown>;
  createdAt: Date;
}

export interface ProjectSummary extends Project {
  role: Role;
  sampleCount: number;
  labeledCount: number;
}

export interface Member {
  userId: number;
  name: string;
  email: string;
  role: Role;
}

export function projectRowToProject(row: ProjectRow): Project {
  return { id: row.id, name: row.name, dataType: row.data_type, settings: row.settings, createdAt: row.created_at };
}

/** Creates a project with its label set and its creator as owner, in the caller's transaction. */
export async function insertProject(
  trx: Db,
  input: { name: string; dataType: DataType; createdBy: number; labels: { name: string; shortcut: string | null }[] },
): Promise<Project> {
  const row = await trx
    .insertInto('project')
    .values({ name: input.name, data_type: input.dataType, created_by: input.createdBy })
    .returningAll()
    .executeTakeFirstOrThrow();
  await trx.insertInto('project_member').values({ project_id: row.id, user_id: input.createdBy, role: 'owner' }).execute();
  if (input.labels.length > 0) {
    await trx
      .insertInto('label')
      .values(input.labels.map((l, position) => ({ project_id: row.id, name: l.name, shortcut: l.shortcut, position })))
      .execute();
  }
  return projectRowToProject(row);
}

export async function findProject(db: Db, projectId: number): Promise<Project | undefined> {
  const row = await db.selectFrom('project').selectAll().where('id', '=', projectId).executeTakeFirst();
  return row ? projectRowToProject(row) : undefined;
}

export async function findMemberRole(db: Db, projectId: number, userId: number): Promise<Role | undefined> {
  const row = await db
    .selectFrom('project_member')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

/** Projects the user belongs to, newest first, with sample and resolved counts. */
export async function listProjectsForUser(db: Db, userId: number): Promise<ProjectSummary[]> {
  const rows = await db
    .selectFrom('project')
    .innerJoin('project_member', 'project_member.project_id', 'project.id')
    .selectAll('project')
    .select('project_member.role')
    .select((eb) => [
      eb.selectFrom('sample').whereRef('sample.project_id', '=', 'project.id').select(eb.fn.countAll<number>().as('n')).as('sample_count'),
      eb.selectFrom('resolution').whereRef('resolution.project_id', '=', 'project.id').select(eb.fn.countAll<number>().as('n')).as('labeled_count'),
    ])
    .where('project_member.user_id', '=', userId)
    .orderBy('project.id', 'desc')
    .execute();
  return rows.map((r) => ({
    ...projectRowToProject(r),
    role: r.role,
    sampleCount: Number(r.sample_count ?? 0),
    labeledCount: Number(r.labeled_count ?? 0),
  }));
}

export async function listMembers(db: Db, projectId: number): Promise<Member[]> {
  const rows = await db
    .selectFrom('project_member')
    .innerJoin('app_user', 'app_user.id', 'project_member.user_id')
    .select(['app_user.id as userId', 'app_user.name', 'app_user.email', 'project_member.role'])
    .where('project_member.project_id', '=', projectId)
    .orderBy('project_member.created_at')
    .execute();
  return rows;
}

/** Adds or changes a member's role. */
export async function upsertMember(db: Db, input: { projectId: number; userId: number; role: Role }): Promise<void> {
  await db
    .insertInto('project_member')
    .values({ project_id: input.projectId, user_id: input.userId, role: input.role })
    .onConflict((oc) => oc.columns(['project_id', 'user_id']).doUpdateSet({ role: input.role }))
    .execute();
}

export async function updateProjectSettings(db: Db, projectId: number, settings: Record<string, unknown>): Promise<void> {
  await db.updateTable('project').set({ settings: JSON.stringify(settings) }).where('id', '=', projectId).execute();
}
