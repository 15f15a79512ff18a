import { z } from 'zod';
import { ProjectId } from '../projects/projects.schema.ts';
import { RowId } from '../http/ids.ts';

export const CreateApiKeyInput = ProjectId.extend({ name: z.string().trim().min(1, 'name the key (e.g. the app that uses it)').max(100) });
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

export const RevokeApiKeyInput = ProjectId.extend({ keyId: RowId });
export type RevokeApiKeyInput = z.infer<typeof RevokeApiKeyInput>;
