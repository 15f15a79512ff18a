import { countLabelChangesSinceLastVersion } from '#db/models.ts';
import type { Project } from '#db/projects.ts';
import { readProjectSettings } from '#trainer/jobs/project-settings.ts';
import { requestEmbedding, requestTraining } from '#trainer/jobs/triggers.ts';
import type { AppDeps } from '../deps.ts';

function logFailure(what: string) {
  return (error: unknown) => console.error(`[learning] could not ${what}:`, error instanceof Error ? error.message : error);
}

/**
 * After labels change: train now once `trainEveryLabels` changes have piled up, else in
 * `trainAfterSeconds` (each further label pushes that back). The label itself is already saved:
 * a queue outage only delays training, so failures are logged, not thrown.
 */
export async function scheduleTraining(deps: AppDeps, project: Project): Promise<void> {
  try {
    const settings = readProjectSettings(project.settings);
    const changes = await countLabelChangesSinceLastVersion(deps.db, project.id);
    if (changes === 0) return;
    const delayMs = changes >= settings.trainEveryLabels ? 0 : settings.trainAfterSeconds * 1000;
    await requestTraining(deps.jobs, project.id, { delayMs, triggeredAt: deps.now() });
  } catch (error) {
    logFailure('schedule training')(error);
  }
}

/** After an import: embed the new samples (the import itself has committed). */
export async function scheduleEmbedding(deps: AppDeps, projectId: number): Promise<void> {
  await requestEmbedding(deps.jobs, projectId).catch(logFailure('schedule embedding'));
}
