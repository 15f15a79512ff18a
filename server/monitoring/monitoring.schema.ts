import { z } from 'zod';
import { ProjectId } from '../projects/projects.schema.ts';

export const MonitoringInput = ProjectId.extend({ days: z.number().int().min(1).max(90).default(7) });
export type MonitoringInput = z.infer<typeof MonitoringInput>;
