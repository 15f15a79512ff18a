import { z } from 'zod';
import { RowId } from '../http/ids.ts';

export const JoinPayload = z.object({ projectId: RowId });
export const FocusPayload = z.object({ projectId: RowId, sampleId: RowId.nullable() });

/** One person online in a project, and the sample they have open. */
export interface PresenceEntry {
  userId: number;
  name: string;
  sampleId: number | null;
}
