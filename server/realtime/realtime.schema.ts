import { z } from 'zod';

export const JoinPayload = z.object({ projectId: z.number().int().positive() });
export const FocusPayload = z.object({ projectId: z.number().int().positive(), sampleId: z.number().int().positive().nullable() });

/** One person online in a project, and the sample they have open. */
export interface PresenceEntry {
  userId: number;
  name: string;
  sampleId: number | null;
}
