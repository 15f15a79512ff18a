import { z } from 'zod';
import { router, authedProcedure, projectProcedure, publicProcedure } from '../trpc.ts';
import { CreateProjectInput, InviteInput } from './projects.schema.ts';
import { createProject, getProjectOverview, listProjects } from './projects.service.ts';
import { acceptInvite, createInvite, describeInvite, listMembersAndInvites } from './members.service.ts';

const Token = z.object({ token: z.string().min(10).max(200) });

export const projectsRouter = router({
  list: authedProcedure.query(({ ctx }) => listProjects(ctx.deps, ctx.user)),
  create: authedProcedure.input(CreateProjectInput).mutation(({ ctx, input }) => createProject(ctx.deps, ctx.user, input)),
  get: projectProcedure.query(({ ctx }) => getProjectOverview(ctx.deps, ctx.access)),
  stats: projectProcedure.query(({ ctx }) => ctx.deps.projectStats.fresh(ctx.access.project.id)),
  members: projectProcedure.query(({ ctx }) => listMembersAndInvites(ctx.deps, ctx.access)),
  invite: projectProcedure.input(InviteInput).mutation(({ ctx, input }) => createInvite(ctx.deps, ctx.user, ctx.access, input)),
  inviteInfo: publicProcedure.input(Token).query(({ ctx, input }) => describeInvite(ctx.deps, input.token)),
  acceptInvite: authedProcedure.input(Token).mutation(({ ctx, input }) => acceptInvite(ctx.deps, ctx.user, input.token)),
});
