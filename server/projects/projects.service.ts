import { insertProject, findProject, findMemberRole, listProjectsForUser, listMembers, type Project, type ProjectSummary } from '#db/projects.ts';
import { listLabels, type Label } from '#db/labels.ts';
import { getProjectStats, type ProjectStats } from '#db/annotations.ts';
import type { Role } from '#db/schema.ts';
import type { User } from '#db/users.ts';
import { AppError } from '../errors.ts';
import type { AppDeps } from '../deps.ts';
import type { CreateProjectInput } from './projects.schema.ts';
import { assignShortcuts } from './roles.ts';

export interface ProjectAccess {
  project: Project;
  role: Role;
}

/** The project and the user's role in it; a non-member gets FORBIDDEN (a missing project NOT_FOUND). */
export async function getProjectAccess(deps: AppDeps, user: User, projectId: number): Promise<ProjectAccess> {
  const [project, role] = await Promise.all([findProject(deps.db, projectId), findMemberRole(deps.db, projectId, user.id)]);
  if (!project) throw new AppError('NOT_FOUND', `project ${projectId} does not exist`);
  if (!role) throw new AppError('FORBIDDEN', 'you are not a member of this project');
  return { project, role };
}

export async function createProject(deps: AppDeps, user: User, input: CreateProjectInput): Promise<Project> {
  const names = new Set<string>();
  for (const label of input.labels) {
    const key = label.name.toLowerCase();
    if (names.has(key)) throw new AppError('INVALID', `label "${label.name}" appears twice`);
    names.add(key);
  }
  const shortcuts = input.labels.map((l) => l.shortcut).filter(Boolean);
  if (new Set(shortcuts).size !== shortcuts.length) throw new AppError('INVALID', 'two labels share a keyboard shortcut');
  return deps.db.transaction().execute((trx) =>
    insertProject(trx, { name: input.name, dataType: input.dataType, createdBy: user.id, labels: assignShortcuts(input.labels) }),
  );
}

export function listProjects(deps: AppDeps, user: User): Promise<ProjectSummary[]> {
  return listProjectsForUser(deps.db, user.id);
}

export interface ProjectOverview extends ProjectAccess {
  labels: Label[];
  stats: ProjectStats;
  members: Awaited<ReturnType<typeof listMembers>>;
  /** What an import may hold on this instance, for the import page's hint. */
  importLimits: { maxUploadMb: number; maxRows: number };
}

export async function getProjectOverview(deps: AppDeps, access: ProjectAccess): Promise<ProjectOverview> {
  const id = access.project.id;
  const [labels, stats, members] = await Promise.all([listLabels(deps.db, id), getProjectStats(deps.db, id), listMembers(deps.db, id)]);
  const importLimits = { maxUploadMb: deps.env.SIFT_MAX_UPLOAD_MB, maxRows: deps.env.SIFT_MAX_IMPORT_ROWS };
  return { ...access, labels, stats, members, importLimits };
}
