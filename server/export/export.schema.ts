import { z } from 'zod';
import { RowIdParam } from '../http/ids.ts';
import { storableText } from '../storable-text.ts';

export const ExportParams = z.object({ projectId: RowIdParam });

const flag = z.enum(['true', 'false'], { errorMap: () => ({ message: 'use true or false' }) }).transform((v) => v === 'true');

/** `GET /api/v1/projects/:projectId/export` query; unknown parameters are refused, not ignored. */
export const ExportQuery = z
  .object({
    format: z.enum(['csv', 'jsonl', 'zip'], { errorMap: () => ({ message: 'format must be csv, jsonl or zip' }) }).default('csv'),
    resolved: flag.default('false'),
    split: z.enum(['train', 'check'], { errorMap: () => ({ message: "split must be train or check (random check samples; the fixed held-out split was replaced by them)" }) }).optional(),
    label: storableText('label').trim().min(1, 'name a label').max(200).optional(),
  })
  .strict();
export type ExportQuery = z.infer<typeof ExportQuery>;
