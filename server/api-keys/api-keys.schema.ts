import { z } from 'zod';
import { ProjectId } from '../projects/projects.schema.ts';
import { RowId } from '../http/ids.ts';
import { storableText } from '../storable-text.ts';

/** What a key may do: call the prediction API, download exports, upload imports. */
export const API_KEY_SCOPES = ['predict', 'export', 'import'] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const CreateApiKeyInput = ProjectId.extend({
  name: storableText('the key name').trim().min(1, 'name the key (e.g. the app that uses it)').max(100),
  // Keys made before scopes were chosen are predict-only; so is a key that names none.
  scopes: z
    .array(ApiKeyScope)
    .min(1, 'choose at least one scope')
    .default(['predict'])
    .transform((scopes) => API_KEY_SCOPES.filter((s) => scopes.includes(s))),
});
export type CreateApiKeyInput = z.infer<typeof CreateApiKeyInput>;

export const RevokeApiKeyInput = ProjectId.extend({ keyId: RowId });
export type RevokeApiKeyInput = z.infer<typeof RevokeApiKeyInput>;
