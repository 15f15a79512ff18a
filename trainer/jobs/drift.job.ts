import { z } from 'zod';

/** Tests recent production inputs of a project against its training data for drift. */
export const DRIFT_QUEUE = 'drift';
export const DriftPayload = z.object({ projectId: z.number().int().positive() });
export type DriftPayload = z.infer<typeof DriftPayload>;
export type DriftResult = { checked: true; drifted: boolean; pValue: number } | { checked: false; reason: string };
export const driftDedupId = (projectId: number) => `drift-${projectId}`;
