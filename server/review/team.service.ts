import { listMembers } from '#db/projects.ts';
import { listProjectAnnotations, listProjectResolutions } from '#db/reviews.ts';
import type { AppDeps } from '../deps.ts';
import type { ProjectAccess } from '../projects/projects.service.ts';
import { computeTeamStats } from './team-stats.ts';

/** Agreement and per-annotator figures for the team page (every member may see them). */
export async function getTeamStats(deps: AppDeps, access: ProjectAccess) {
  const projectId = access.project.id;
  const [annotations, resolutions, members] = await Promise.all([
    listProjectAnnotations(deps.db, projectId),
    listProjectResolutions(deps.db, projectId),
    listMembers(deps.db, projectId),
  ]);
  return computeTeamStats({ annotations, resolutions, members: members.map((m) => ({ userId: m.userId, name: m.name })), now: new Date() });
}
