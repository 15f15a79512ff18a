import { z } from 'zod';
import { RowId } from '../http/ids.ts';
import { storableText } from '../storable-text.ts';

export const ProjectId = z.object({ projectId: RowId });

const Shortcut = z
  .string()
  .trim()
  .regex(/^[1-9a-z]$/, 'a shortcut is one key: 1–9 or a–z');

export const LabelInput = z.object({
  name: storableText('a label name').trim().min(1, 'a label needs a name').max(100),
  shortcut: Shortcut.optional(),
});

export const CreateProjectInput = z.object({
  name: storableText('the project name').trim().min(1, 'enter a project name').max(200),
  dataType: z.enum(['text', 'image']),
  labels: z.array(LabelInput).min(2, 'a project needs at least two labels').max(200),
});
export type CreateProjectInput = z.infer<typeof CreateProjectInput>;

export const InviteInput = ProjectId.extend({
  email: z.string().trim().toLowerCase().email('enter a valid email address'),
  role: z.enum(['lead', 'reviewer', 'annotator']),
});
export type InviteInput = z.infer<typeof InviteInput>;
