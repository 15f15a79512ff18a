import { z } from 'zod';
import { router, projectProcedure } from '../trpc.ts';
import { ProjectSettings } from '#trainer/jobs/project-settings.ts';
import { getLearningStatus, getVersion, listVersions, promoteVersion, updateSettings } from './models.service.ts';
import { RowId } from '../http/ids.ts';
import { describeTrainerMemory } from '../health/trainer-memory.service.ts';

const VersionInput = z.object({ versionId: RowId });

export const modelsRouter = router({
  list: projectProcedure.query(({ ctx }) => listVersions(ctx.deps, ctx.access)),
  get: projectProcedure.input(VersionInput).query(({ ctx, input }) => getVersion(ctx.deps, ctx.access, input.versionId)),
  promote: projectProcedure.input(VersionInput).mutation(({ ctx, input }) => promoteVersion(ctx.deps, ctx.user, ctx.access, input.versionId)),
  status: projectProcedure.query(({ ctx }) => getLearningStatus(ctx.deps, ctx.access)),
  /** The trainer's memory (the whole instance's trainer, not this project's): what the Models page shows. */
  trainerMemory: projectProcedure.query(({ ctx }) => describeTrainerMemory(ctx.deps)),
  updateSettings: projectProcedure
    .input(z.object({ settings: ProjectSettings.partial().strict() }))
    .mutation(({ ctx, input }) => updateSettings(ctx.deps, ctx.access, input.settings)),
});
